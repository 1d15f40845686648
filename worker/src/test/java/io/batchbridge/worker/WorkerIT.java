package io.batchbridge.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.batchbridge.client.MessageBatch;
import io.batchbridge.client.ResultLine;
import io.batchbridge.client.ResultStream;
import io.batchbridge.common.config.CommonKeys;
import io.batchbridge.common.json.Json;
import io.batchbridge.common.model.Cost;
import io.batchbridge.common.model.ModelCatalogue;
import io.batchbridge.common.model.PriceRates;
import io.batchbridge.common.model.SpendEntry;
import io.batchbridge.common.records.BridgeHeaders;
import io.batchbridge.emulator.Emulator;
import io.batchbridge.kafka.embedded.KafkaCluster;
import io.batchbridge.kafka.embedded.KafkaClusterExtension;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(KafkaClusterExtension.class)
class WorkerIT {

    private static Map<String, String> byCustomId(List<ConsumerRecord<byte[], byte[]>> records, String header) {
        return records.stream()
                .collect(Collectors.toMap(
                        r -> new String(r.key(), StandardCharsets.UTF_8),
                        r -> String.valueOf(Pipeline.header(r, header))));
    }

    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void routesMixedOutcomesToOutputRetryAndDeadLetterTopics(KafkaCluster cluster) throws Exception {
        try (Emulator emu = Emulator.builder().timeScale(3600).seed(1).build().start();
                Pipeline p = new Pipeline(cluster, emu, 1)) {
            List<Pipeline.Published> reqs = new ArrayList<>();
            reqs.add(p.publish("ok-1", 1000, "#emulate output_tokens=50 outcome=succeeded"));
            reqs.add(p.publish("ok-2", 1000, "#emulate output_tokens=100 outcome=succeeded stop_reason=max_tokens"));
            reqs.add(p.publish("busy", 1000, "#emulate outcome=errored:overloaded_error"));
            reqs.add(p.publish("bad", 1000, "#emulate outcome=errored:invalid_request_error"));
            reqs.add(p.publish("late", 1000, "#emulate outcome=expired"));
            reqs.add(p.publish("tired", 1000, "#emulate outcome=errored:api_error")
                    .withAttempt(3));
            MessageBatch batch = p.submit(reqs, 2, List.of());
            emu.advance(Duration.ofHours(25)); // past expires_at: the expired request ends the batch
            // issue #23: the request topic's configured tenant, never the record's
            p.worker(Map.of(CommonKeys.TOPIC_TENANTS, p.topics.requests().get(0) + ":acme"));

            await().atMost(Duration.ofSeconds(60))
                    .until(() -> p.readAll(p.topics.batchEvents()).stream()
                            .anyMatch(r -> new String(r.value(), StandardCharsets.UTF_8).contains("\"fanned_out\"")));

            var results = p.readAll(p.topics.results());
            assertThat(byCustomId(results, BridgeHeaders.TRUNCATED))
                    .containsOnly(Map.entry("ok-1", "false"), Map.entry("ok-2", "true"));
            assertThat(results).allSatisfy(r -> {
                assertThat(Pipeline.header(r, BridgeHeaders.BATCH_ID)).isEqualTo(batch.id());
                String v = new String(r.value(), StandardCharsets.UTF_8);
                assertThat(v)
                        .contains("\"cost_usd\":")
                        .contains("\"metadata\":{\"n\":")
                        .contains("\"message\":{");
            });
            var retries = p.readAll(p.topics.retry());
            assertThat(byCustomId(retries, BridgeHeaders.ATTEMPT))
                    .containsOnly(Map.entry("busy", "2"), Map.entry("late", "2"));
            assertThat(retries)
                    .allSatisfy(r -> assertThat(new String(r.value(), StandardCharsets.UTF_8))
                            .contains("\"params\":{\"model\"")
                            .contains("\"not_before\"")
                            .contains("\"origin\""));
            var dead = p.readAll(p.topics.dlq());
            assertThat(byCustomId(dead, BridgeHeaders.ERROR_REASON))
                    .containsOnly(Map.entry("bad", "api_error"), Map.entry("tired", "attempts_exhausted"));
            assertThat(dead)
                    .allSatisfy(r -> assertThat(new String(r.value(), StandardCharsets.UTF_8))
                            .startsWith("{\"custom_id\""));
            assertThat(Pipeline.header(
                            dead.stream()
                                    .filter(r -> "bad".equals(new String(r.key())))
                                    .findFirst()
                                    .orElseThrow(),
                            BridgeHeaders.ERROR_MESSAGE))
                    .contains("invalid_request_error");
            assertThat(p.counter("bridge.worker.results", "result", "succeeded"))
                    .isEqualTo(2);
            // issue #23: each result carries its exact cost, and the ledger and bridge.cost.usd by kind and tenant
            // add up to exactly those figures
            PriceRates rates = Pipeline.catalogue()
                    .find(Pipeline.MODEL)
                    .orElseThrow()
                    .prices()
                    .rates();
            long input = 0;
            long output = 0;
            long standardSaving = 0;
            long spent = 0;
            for (var r : results) {
                JsonNode n = Json.MAPPER.readTree(r.value());
                JsonNode u = n.path("usage");
                JsonNode c = n.path("cost");
                long in = PriceRates.micros(u.path("input_tokens").asLong(), rates.input());
                long out = PriceRates.micros(u.path("output_tokens").asLong(), rates.output());
                assertThat(c.path("input_micro_usd").asLong()).isEqualTo(in);
                assertThat(c.path("output_micro_usd").asLong()).isEqualTo(out).isPositive();
                long total = c.path("total_micro_usd").asLong();
                assertThat(total)
                        .isEqualTo(in
                                + out
                                + c.path("cache_write_5m_micro_usd").asLong()
                                + c.path("cache_write_1h_micro_usd").asLong()
                                + c.path("cache_read_micro_usd").asLong());
                assertThat(n.path("cost_usd").decimalValue()).isEqualByComparingTo(BigDecimal.valueOf(total, 6));
                input += in;
                output += out;
                spent += total;
                standardSaving += c.path("standard_micro_usd").asLong() - total;
            }
            assertThat(p.counter("bridge.cost.usd", "tenant", "acme", "pricing", "batch", "kind", "output"))
                    .isCloseTo(Cost.usd(output), Offset.offset(1e-12));
            assertThat(p.counter("bridge.cost.usd", "tenant", "acme", "pricing", "batch", "kind", "input"))
                    .isCloseTo(Cost.usd(input), Offset.offset(1e-12));
            assertThat(p.counter("bridge.cost.savings.usd", "tenant", "acme", "vs", "standard"))
                    .isCloseTo(Cost.usd(standardSaving), Offset.offset(1e-12));
            assertThat(p.counter("bridge.cost.usd", "tenant", "default", "pricing", "batch", "kind", "input"))
                    .isZero();
            assertThat(p.counter("bridge.worker.dead.letters", "reason", "attempts_exhausted"))
                    .isEqualTo(1);
            // issue #23: the batch's actual cost goes to the spend ledger, where the submitters' guard counts it
            long actual = spent;
            assertThat(p.readAll(p.topics.spend())).singleElement().satisfies(r -> {
                assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo("batch:" + batch.id());
                assertThat(SpendEntry.fromJson(r.value())).isEqualTo(SpendEntry.actual(batch.id(), actual));
            });
            await().atMost(Duration.ofSeconds(10)).until(() -> p.committedTicketOffset() == 2);
        }
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void deliversA300kTokenResultByteIdenticalToWhatTheApiServed(KafkaCluster cluster) throws Exception {
        try (Emulator emu = Emulator.builder().timeScale(3600).seed(2).build().start();
                Pipeline p = new Pipeline(cluster, emu, 1)) {
            var req = p.publish(
                    "huge", 300_000, "#emulate output_tokens=300000 outcome=succeeded stop_reason=max_tokens");
            MessageBatch batch = p.submit(List.of(req), 1, List.of(ModelCatalogue.EXTENDED_OUTPUT_BETA));
            long start = System.nanoTime();
            p.worker(Map.of(WorkerConfig.FANOUT_PREFETCH_BYTES, "65536")); // a 1.2 MB line through a 64 KiB ring

            await().atMost(Duration.ofSeconds(90))
                    .until(() -> !p.readAll(p.topics.results()).isEmpty());
            byte[] value = p.readAll(p.topics.results()).get(0).value();
            MessageBatch ended = p.client.retrieve(batch.id());
            byte[] served;
            try (ResultStream rs = p.client.results(ended)) {
                ResultLine line = rs.next();
                served = line.message();
            }
            assertThat(served.length).isGreaterThan(1_000_000);
            byte[] tail = Arrays.copyOfRange(value, value.length - served.length - 1, value.length - 1);
            assertThat(Arrays.equals(tail, served))
                    .as("message bytes identical")
                    .isTrue();
            System.out.printf(
                    "300k result: %d bytes delivered %.1f s after the worker started%n",
                    value.length, (System.nanoTime() - start) / 1e9);
        }
    }

    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void deadLettersEveryRequestOfABatchWhoseResultsAreUnavailable(KafkaCluster cluster) throws Exception {
        try (Emulator emu = Emulator.builder().timeScale(3600).seed(3).build().start();
                Pipeline p = new Pipeline(cluster, emu, 1)) {
            List<Pipeline.Published> reqs = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                reqs.add(p.publish("gone-" + i, 1000, "#emulate output_tokens=10 outcome=succeeded"));
            }
            p.submit(reqs, 1, List.of());
            emu.advance(Duration.ofDays(30)); // archived: results no longer downloadable
            p.worker(Map.of());

            await().atMost(Duration.ofSeconds(60))
                    .until(() -> p.readAll(p.topics.dlq()).size() == 3);
            assertThat(byCustomId(p.readAll(p.topics.dlq()), BridgeHeaders.ERROR_REASON))
                    .containsOnly(
                            Map.entry("gone-0", "results_unavailable"),
                            Map.entry("gone-1", "results_unavailable"),
                            Map.entry("gone-2", "results_unavailable"));
            assertThat(p.readAll(p.topics.results())).isEmpty();
        }
    }

    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void commitsTicketOffsetsInOrderWhenBatchesEndOutOfOrder(KafkaCluster cluster) throws Exception {
        try (Emulator emu = Emulator.builder().timeScale(3600).seed(4).build().start();
                Pipeline p = new Pipeline(cluster, emu, 1)) {
            var slow = p.publish("slow", 1000, "#emulate outcome=expired");
            var fast = p.publish("fast", 1000, "#emulate output_tokens=10 outcome=succeeded");
            p.submit(List.of(slow), 1, List.of()); // ticket offset 0 (+ commit marker)
            p.submit(List.of(fast), 1, List.of()); // ticket offset 2
            p.worker(Map.of());

            await().atMost(Duration.ofSeconds(60))
                    .until(() -> p.readAll(p.topics.results()).size() == 1);
            await().atMost(Duration.ofSeconds(10)).until(() -> p.committedTicketOffset() == 0);
            assertThat(p.committedTicketOffset())
                    .as("the slow batch's ticket holds the commit")
                    .isZero();

            emu.advance(Duration.ofHours(25));
            await().atMost(Duration.ofSeconds(60)).until(() -> p.committedTicketOffset() == 3);
            assertThat(p.readAll(p.topics.retry())).hasSize(1);
        }
    }
}
