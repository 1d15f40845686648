package io.batchbridge.cli.demo;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.batchbridge.common.http.ReadinessCheck;
import io.batchbridge.common.kafka.KafkaClientDefaults;
import io.batchbridge.emulator.Endpoint;
import io.batchbridge.emulator.FaultKind;
import io.batchbridge.kafka.embedded.EmbeddedKafka;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/** {@code /health/ready} flips with the broker and the API circuit; {@code /health/live} stays up. */
class HealthFlipIT {
    private static final Duration FLIP = Duration.ofSeconds(60);

    @Test
    void readinessFollowsKafkaAndTheApiCircuit() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.startDefault();
                EmbeddedStack stack = EmbeddedStack.builder()
                        .kafka(kafka)
                        .overrides(Map.of(
                                "bridge.api.max.retries", "0",
                                "bridge.api.breaker.window.calls", "4",
                                "bridge.api.breaker.minimum.calls", "2",
                                "bridge.api.breaker.open.ms", "60000",
                                "bridge.submitter.create.backoff.ms", "200",
                                "bridge.submitter.linger.ms", "100"))
                        .start()) {
            URI submitter = stack.submitterOps();
            URI worker = stack.workerOps();
            awaitReady(submitter);
            awaitReady(worker);

            kafka.stop();
            awaitNotReady(submitter, ReadinessCheck.KAFKA_UNREACHABLE);
            awaitNotReady(worker, ReadinessCheck.KAFKA_UNREACHABLE);
            assertThat(Scrape.get(worker, "/health/live").status()).isEqualTo(200);

            kafka.start();
            awaitReady(submitter);
            awaitReady(worker);

            stack.emulator().faults().rate(Endpoint.ANY, FaultKind.HTTP_500, 1.0);
            try (KafkaProducer<byte[], byte[]> p =
                    new KafkaProducer<>(KafkaClientDefaults.producer(stack.bootstrapServers()))) {
                p.send(new ProducerRecord<>(
                                stack.topics().requests().get(0),
                                null,
                                DemoRequests.request("flip-0", "claude-haiku-4-5", 100, "hi", "")
                                        .getBytes(UTF_8)))
                        .get();
            }
            awaitNotReady(submitter, ReadinessCheck.API_CIRCUIT_OPEN);
            assertThat(Scrape.get(submitter, "/health/live").status()).isEqualTo(200);
            stack.emulator().faults().clear();
        }
    }

    private static void awaitReady(URI ops) {
        await().atMost(FLIP).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
            Scrape.Response r = Scrape.get(ops, "/health/ready");
            assertThat(r.status()).as(r.body()).isEqualTo(200);
        });
    }

    private static void awaitNotReady(URI ops, String reason) {
        await().atMost(FLIP).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
            Scrape.Response r = Scrape.get(ops, "/health/ready");
            assertThat(r.status()).isEqualTo(503);
            assertThat(r.body()).contains(reason);
        });
    }
}
