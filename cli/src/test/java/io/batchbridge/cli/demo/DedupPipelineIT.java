package io.batchbridge.cli.demo;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.batchbridge.cli.check.DeliveryCheck;
import io.batchbridge.common.json.Json;
import io.batchbridge.common.kafka.CommittedReader;
import io.batchbridge.common.kafka.KafkaClientDefaults;
import io.batchbridge.common.records.BatchEvent;
import io.batchbridge.common.records.BridgeHeaders;
import io.batchbridge.common.records.Coordinates;
import io.batchbridge.common.records.Ticket;
import io.batchbridge.common.records.TicketCodec;
import io.batchbridge.common.records.TicketItem;
import io.batchbridge.submitter.SubmitterConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * De-duplication through both roles ({@code bridge.submitter.dedup.enabled}): identical requests of one batch are
 * one API item, and each still gets exactly one outcome of its own — the answer with its own {@code custom_id} and
 * metadata, the cost once; a transient failure retried for each of them.
 */
@Timeout(300)
class DedupPipelineIT {
    private static final String SAME = "{\"model\":\"claude-haiku-4-5\",\"max_tokens\":50,\"messages\":"
            + "[{\"role\":\"user\",\"content\":\"the same question #emulate output_tokens=20\"}]}";
    private static final String OTHER = "{\"model\":\"claude-haiku-4-5\",\"max_tokens\":50,\"messages\":"
            + "[{\"role\":\"user\",\"content\":\"another question #emulate output_tokens=20\"}]}";
    private static final String FLAKY = "{\"model\":\"claude-haiku-4-5\",\"max_tokens\":50,\"messages\":"
            + "[{\"role\":\"user\",\"content\":\"#emulate outcome=errored:overloaded_error times=1 key=dedup-flaky\"}]}";

    @Test
    void identicalRequestsAreOneApiItemAndEachGetsItsOwnOutcome() throws Exception {
        try (EmbeddedStack stack = EmbeddedStack.builder()
                        .timeScale(7200)
                        .seed(23)
                        .overrides(Map.of(SubmitterConfig.DEDUP_ENABLED, "true"))
                        .start();
                KafkaProducer<byte[], byte[]> producer =
                        new KafkaProducer<>(KafkaClientDefaults.producer(stack.bootstrapServers()))) {
            String requests = stack.topics().requests().get(0);
            Map<String, String> params = new HashMap<>();
            List<String> ids = List.of("same-1", "other-1", "same-2", "flaky-1", "same-3", "flaky-2");
            List<Future<RecordMetadata>> sent = new ArrayList<>();
            for (String id : ids) { // sent together: one lane, one batch (linger 1 s)
                String p = id.startsWith("same") ? SAME : id.startsWith("other") ? OTHER : FLAKY;
                params.put(id, p);
                String env =
                        "{\"custom_id\":\"" + id + "\",\"params\":" + p + ",\"metadata\":{\"who\":\"" + id + "\"}}";
                sent.add(producer.send(new ProducerRecord<>(requests, id.getBytes(UTF_8), env.getBytes(UTF_8))));
            }
            List<Coordinates> published = new ArrayList<>();
            for (Future<RecordMetadata> f : sent) {
                RecordMetadata md = f.get();
                published.add(new Coordinates(md.topic(), md.partition(), md.offset()));
            }

            List<String> outputs = List.of(stack.topics().results());
            await().atMost(Duration.ofSeconds(180))
                    .pollInterval(Duration.ofSeconds(1))
                    .until(() -> DeliveryCheck.check(stack.bootstrapServers(), stack.topics(), published, outputs)
                            .complete());
            DeliveryCheck.Verdict v = DeliveryCheck.check(stack.bootstrapServers(), stack.topics(), published, outputs);
            assertThat(v.clean()).as(v.toString()).isTrue();
            assertThat(v.results()).isEqualTo(6);
            assertThat(v.deadLetters()).isZero();

            // every request its own result, with its own metadata; the API item's cost on exactly one of a group
            Map<String, JsonNode> results = new HashMap<>();
            Map<String, String> sharedWith = new HashMap<>();
            CommittedReader.forEach(stack.bootstrapServers(), stack.topics().results(), r -> {
                String id = new String(r.key(), UTF_8);
                results.put(id, json(r.value()));
                String with = BridgeHeaders.get(r.headers(), BridgeHeaders.SHARED_WITH);
                if (with != null) {
                    sharedWith.put(id, with);
                }
            });
            assertThat(results.keySet()).containsExactlyInAnyOrderElementsOf(ids);
            results.forEach((id, r) -> {
                assertThat(r.path("custom_id").asText()).isEqualTo(id);
                assertThat(r.path("metadata").path("who").asText()).isEqualTo(id);
            });
            // which request of a group is sent is the first the submitter read (partitions interleave): any of them
            for (String group : List.of("same", "flaky")) {
                List<String> members =
                        ids.stream().filter(id -> id.startsWith(group)).toList();
                List<String> answered = members.stream()
                        .filter(id -> !sharedWith.containsKey(id))
                        .toList();
                assertThat(answered).as(group).hasSize(1);
                members.stream()
                        .filter(id -> !id.equals(answered.get(0)))
                        .forEach(id -> assertThat(sharedWith).containsEntry(id, answered.get(0)));
            }
            assertThat(sharedWith).doesNotContainKey("other-1").hasSize(3);
            for (String id : ids) {
                if (!sharedWith.containsKey(id)) {
                    assertThat(results.get(id)
                                    .path("cost")
                                    .path("total_micro_usd")
                                    .asLong())
                            .as(id)
                            .isPositive();
                }
            }
            for (String id : sharedWith.keySet()) {
                assertThat(results.get(id).path("cost").path("total_micro_usd").asLong())
                        .as(id)
                        .isZero();
                assertThat(results.get(id).path("message"))
                        .isEqualTo(results.get(sharedWith.get(id)).path("message"));
            }

            // the flaky pair: one API item failed once, each request got its own retry, and attempt 2
            List<String> retried = new ArrayList<>();
            CommittedReader.forEach(
                    stack.bootstrapServers(), stack.topics().retry(), r -> retried.add(new String(r.key(), UTF_8)));
            assertThat(retried).containsExactlyInAnyOrder("flaky-1", "flaky-2");
            assertThat(results.get("flaky-1").path("attempt").asInt()).isEqualTo(2);
            assertThat(results.get("flaky-2").path("attempt").asInt()).isEqualTo(2);

            // the API was asked for 4 items (same, other, flaky; flaky again), the tickets name all 8 records
            int apiItems = 0;
            List<BatchEvent> submitted = new ArrayList<>();
            CommittedReader.forEach(stack.bootstrapServers(), stack.topics().batchEvents(), r -> {
                BatchEvent e = BatchEvent.fromJson(r.value());
                if (e.type() == BatchEvent.Type.SUBMITTED) {
                    submitted.add(e);
                }
            });
            for (BatchEvent e : submitted) {
                apiItems += e.requestCount();
            }
            assertThat(apiItems).isEqualTo(4);
            List<TicketItem> ticketed = new ArrayList<>();
            CommittedReader.forEach(stack.bootstrapServers(), stack.topics().batches(), r -> {
                Ticket t = TicketCodec.read(r.value());
                ticketed.addAll(t.items());
            });
            assertThat(ticketed).hasSize(8);
            assertThat(ticketed.stream().filter(i -> i.sharedWith() != null)).hasSize(4);
        }
    }

    private static JsonNode json(byte[] value) {
        try {
            return Json.MAPPER.readTree(value);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
