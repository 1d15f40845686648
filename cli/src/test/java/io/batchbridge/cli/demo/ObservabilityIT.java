package io.batchbridge.cli.demo;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.core.OutputStreamAppender;
import io.batchbridge.common.kafka.KafkaClientDefaults;
import io.batchbridge.common.metrics.BridgeMetric;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The whole pipeline in one process with a known mix of outcomes: the series on both roles' {@code /metrics}
 * move by what the emulator served, and no log line carries a prompt or the API key.
 */
class ObservabilityIT {
    private static final String PROMPT_CANARY = "CANARY-PROMPT-7f3a";
    private static final String KEY_CANARY = "sk-ant-CANARY-KEY-91c2";
    private static final String MODEL = "claude-haiku-4-5";

    @Test
    void metricsMoveByWhatTheEmulatorServedAndLogsCarryNoPromptOrKey() throws Exception {
        ByteArrayOutputStream logs = new ByteArrayOutputStream();
        // Other tests in this JVM (the demo) quiet io.batchbridge; this one wants every INFO line it can grep.
        Logger bridge = (Logger) LoggerFactory.getLogger("io.batchbridge");
        Level before = bridge.getLevel();
        bridge.setLevel(Level.DEBUG);
        OutputStreamAppender<ch.qos.logback.classic.spi.ILoggingEvent> appender = captureLogs(logs);
        try (EmbeddedStack stack = EmbeddedStack.builder()
                .timeScale(7200)
                .seed(7)
                .apiKey(KEY_CANARY)
                .start()) {
            List<String> requests = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                requests.add(request("ok-" + i, "Say hi " + PROMPT_CANARY + " #emulate output_tokens=50"));
            }
            for (int i = 0; i < 2; i++) {
                requests.add(request(
                        "bad-" + i, "Bad tool " + PROMPT_CANARY + " #emulate outcome=errored:invalid_request_error"));
            }
            requests.add(request(
                    "late-0",
                    "Classify " + PROMPT_CANARY + " #emulate outcome=expired times=1 key=late0 output_tokens=50"));
            requests.add(DemoRequests.request("unknown-0", "claude-unknown-7", 100, PROMPT_CANARY, ""));
            publish(stack, requests);

            MeterRegistry worker = stack.workerRegistry();
            await().atMost(Duration.ofSeconds(120))
                    .pollInterval(Duration.ofMillis(500))
                    .until(() -> count(worker, BridgeMetric.WORKER_RESULTS, "result", "succeeded") >= 7
                            && count(worker, BridgeMetric.WORKER_DEAD_LETTERS, "reason", "api_error") >= 2
                            // a result's output tokens are counted after its cost: every cost is in once they are
                            && count(worker, BridgeMetric.TOKENS, "kind", "output") >= 7 * 50
                            // results are counted as they are read: wait for the last fan-out to commit, too
                            && worker.get(BridgeMetric.WORKER_BATCHES_OPEN.metricName())
                                            .gauge()
                                            .value()
                                    == 0);

            var sub = Scrape.metrics(stack.submitterOps());
            var wrk = Scrape.metrics(stack.workerOps());

            // results by type: exactly what the emulator served (the expired item is served twice: expired, then ok)
            assertThat(Scrape.sum(wrk, "bridge_worker_results_total", "result", "succeeded"))
                    .isEqualTo(7);
            assertThat(Scrape.sum(wrk, "bridge_worker_results_total", "result", "errored"))
                    .isEqualTo(2);
            assertThat(Scrape.sum(wrk, "bridge_worker_results_total", "result", "expired"))
                    .isEqualTo(1);
            assertThat(Scrape.sum(wrk, "bridge_worker_dead_letters_total", "reason", "api_error"))
                    .isEqualTo(2);
            assertThat(Scrape.sum(wrk, "bridge_worker_retries_total", "reason", "expired"))
                    .isEqualTo(1);
            assertThat(Scrape.sum(sub, "bridge_submitter_dead_letters_total", "reason", "unknown_model"))
                    .isEqualTo(1);
            assertThat(Scrape.sum(sub, "bridge_submitter_requests_consumed_total"))
                    .isGreaterThanOrEqualTo(11);
            assertThat(Scrape.sum(sub, "bridge_submitter_batches_total")).isGreaterThanOrEqualTo(2);
            assertThat(Scrape.sum(sub, "bridge_submitter_batch_requests_sum")).isEqualTo(10);

            // tokens and cost, by model and pricing: standard is twice batch (to the micro-dollar per kind and result)
            double output = Scrape.sum(wrk, "bridge_tokens_total", "model", MODEL, "kind", "output");
            assertThat(output).isEqualTo(7 * 50);
            assertThat(Scrape.sum(wrk, "bridge_tokens_total", "model", MODEL, "kind", "input"))
                    .isPositive();
            double batch = Scrape.sum(wrk, "bridge_cost_usd_total", "model", MODEL, "pricing", "batch");
            double standard = Scrape.sum(wrk, "bridge_cost_usd_total", "model", MODEL, "pricing", "standard");
            assertThat(batch).isPositive();
            // each kind of each result is rounded to a micro-dollar once, at each price book: round(2x) may differ
            // from 2 * round(x) by one micro-dollar per kind per result (7 results, input and output here)
            assertThat(standard).isCloseTo(2 * batch, within(7 * 2 * 1e-6 + 1e-9));
            assertThat(standard).isNotCloseTo(batch, within(1e-9));
            assertThat(Scrape.sum(wrk, "bridge_worker_cost_usd_total", "model", MODEL))
                    .isCloseTo(batch, within(1e-9));

            // lifecycle, checkpoints, durations, API client, library families
            assertThat(Scrape.sum(sub, "bridge_submitter_state")).isEqualTo(1);
            assertThat(Scrape.sum(wrk, "bridge_worker_state")).isEqualTo(1);
            assertThat(Scrape.sum(sub, "bridge_submitter_spend_guard_engaged")).isZero();
            assertThat(Scrape.sum(wrk, "bridge_worker_checkpoints_total")).isGreaterThanOrEqualTo(2);
            assertThat(Scrape.sum(wrk, "bridge_worker_batch_duration_seconds_count"))
                    .isGreaterThanOrEqualTo(2);
            assertThat(Scrape.sum(wrk, "bridge_api_calls_seconds_count", "op", "results", "status", "200"))
                    .isGreaterThanOrEqualTo(2);
            assertThat(Scrape.sum(sub, "bridge_api_calls_seconds_count", "op", "create", "status", "200"))
                    .isGreaterThanOrEqualTo(2);
            assertThat(Scrape.has(wrk, "kafka_consumer_fetch_manager_records_lag_max"))
                    .isTrue();
            assertThat(Scrape.has(sub, "jvm_memory_used_bytes")).isTrue();
            assertThat(Scrape.has(sub, "resilience4j_circuitbreaker_state")).isTrue();
            assertThat(Scrape.get(stack.workerOps(), "/health/ready").status()).isEqualTo(200);
            assertThat(Scrape.get(stack.submitterOps(), "/health/live").status())
                    .isEqualTo(200);
            // no series is keyed by a batch id or a custom_id
            assertThat(sub).noneMatch(s -> s.labels().values().stream().anyMatch(v -> v.startsWith("msgbatch_")));
            assertThat(wrk).noneMatch(s -> s.labels().values().stream().anyMatch(v -> v.startsWith("ok-")));
            System.out.printf(
                    "observability IT: succeeded=%.0f errored=%.0f expired=%.0f retries=%.0f batches=%.0f"
                            + " output_tokens=%.0f cost_batch=%.6f cost_standard=%.6f%n",
                    Scrape.sum(wrk, "bridge_worker_results_total", "result", "succeeded"),
                    Scrape.sum(wrk, "bridge_worker_results_total", "result", "errored"),
                    Scrape.sum(wrk, "bridge_worker_results_total", "result", "expired"),
                    Scrape.sum(wrk, "bridge_worker_retries_total"),
                    Scrape.sum(sub, "bridge_submitter_batches_total"),
                    output,
                    batch,
                    standard);
        } finally {
            detach(appender);
            bridge.setLevel(before);
        }
        String captured = logs.toString(UTF_8);
        assertThat(captured.lines().count()).as("log lines captured").isGreaterThan(10);
        assertThat(captured).contains("batch_id=msgbatch_"); // the MDC reached the log lines
        assertThat(captured).doesNotContain(PROMPT_CANARY).doesNotContain(KEY_CANARY);
        assertThat(captured).doesNotContain("Failed to apply the value function"); // gauges are scrape-safe
    }

    private static String request(String id, String text) {
        return DemoRequests.request(id, MODEL, 1024, text, "");
    }

    private static void publish(EmbeddedStack stack, List<String> requests) throws Exception {
        try (KafkaProducer<byte[], byte[]> p =
                new KafkaProducer<>(KafkaClientDefaults.producer(stack.bootstrapServers()))) {
            for (String r : requests) {
                p.send(new ProducerRecord<>(stack.topics().requests().get(0), null, r.getBytes(UTF_8)))
                        .get();
            }
        }
    }

    private static double count(MeterRegistry r, BridgeMetric m, String tag, String value) {
        return r.find(m.metricName()).tag(tag, value).counters().stream()
                .mapToDouble(Counter::count)
                .sum();
    }

    /** Every log event of the process, with its MDC and stack traces, into {@code out}. */
    static OutputStreamAppender<ch.qos.logback.classic.spi.ILoggingEvent> captureLogs(ByteArrayOutputStream out) {
        LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(ctx);
        encoder.setPattern("%level %logger [%mdc] %msg%n%ex");
        encoder.start();
        OutputStreamAppender<ch.qos.logback.classic.spi.ILoggingEvent> appender = new OutputStreamAppender<>();
        appender.setContext(ctx);
        appender.setName("canary-capture");
        appender.setEncoder(encoder);
        appender.setOutputStream(out);
        appender.setImmediateFlush(true);
        appender.start();
        ctx.getLogger(Logger.ROOT_LOGGER_NAME).addAppender(appender);
        return appender;
    }

    static void detach(OutputStreamAppender<ch.qos.logback.classic.spi.ILoggingEvent> appender) {
        LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
        ctx.getLogger(Logger.ROOT_LOGGER_NAME).detachAppender(appender);
        appender.stop();
    }
}
