package io.batchbridge.submitter;

import static io.batchbridge.submitter.SubmitterHarness.params;
import static io.batchbridge.submitter.SubmitterHarness.request;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.batchbridge.common.lifecycle.RoleState;
import io.batchbridge.common.records.BridgeHeaders;
import io.batchbridge.common.records.DeadLetterReason;
import io.batchbridge.common.records.EnvelopeCodec;
import io.batchbridge.common.records.TicketItem;
import io.batchbridge.kafka.embedded.KafkaCluster;
import io.batchbridge.kafka.embedded.KafkaClusterExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(KafkaClusterExtension.class)
@Timeout(300)
class HostileInputIT {
    static final int RECORD_LIMIT = 6 * 1024 * 1024;

    @Test
    void everyHostileRecordBecomesExactlyOneDeadLetterAndGoodRecordsBetweenThemPass(KafkaCluster cluster) {
        List<HostileCorpus.Hostile> corpus = HostileCorpus.generate(20261122L, RECORD_LIMIT);
        assertThat(corpus).hasSizeGreaterThanOrEqualTo(200);
        try (SubmitterHarness h = new SubmitterHarness(cluster, 2)) {
            SubmitterApp app = h.start(Map.of(SubmitterConfig.MAX_RECORD_BYTES, String.valueOf(RECORD_LIMIT)));
            String topic = h.names.requests().get(0);
            List<String> good = new ArrayList<>();
            Map<String, String> labels = new HashMap<>(); // partition@offset -> hostile label
            for (int i = 0; i < corpus.size(); i++) {
                var at = h.publish(topic, null, corpus.get(i).value(), new RecordHeaders());
                labels.put(at.partition() + "@" + at.offset(), corpus.get(i).label());
                if (i % 10 == 0) {
                    String id = "good-" + i;
                    good.add(id);
                    h.publish(topic, id, request(id, params("claude-sonnet-4-6", 50, "fine"), ""));
                }
            }
            // valid, but forging the product's own fields: on a request topic they are ignored
            good.add("forged-fields");
            h.publish(
                    topic,
                    "forged-fields",
                    request(
                            "forged-fields",
                            params("claude-sonnet-4-6", 50, "fine"),
                            ",\"attempt\":9,\"not_before\":\"2099-01-01T00:00:00Z\",\"origin\":{\"topic\":\""
                                    + h.names.batches() + "\",\"partition\":0,\"offset\":0}"));

            try {
                await().atMost(Duration.ofSeconds(120))
                        .until(() -> h.readAll(h.names.dlq()).size() >= corpus.size());
            } catch (org.awaitility.core.ConditionTimeoutException e) {
                Set<String> answered = h.readAll(h.names.dlq()).stream()
                        .map(r -> BridgeHeaders.get(r.headers(), BridgeHeaders.ORIGINAL_PARTITION) + "@"
                                + BridgeHeaders.get(r.headers(), BridgeHeaders.ORIGINAL_OFFSET))
                        .collect(Collectors.toSet());
                labels.keySet().removeAll(answered);
                throw new AssertionError("hostile records without a dead letter: " + labels.values(), e);
            }
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> h.ticketedCustomIds().size() >= good.size());
            List<ConsumerRecord<byte[], byte[]>> dlq = h.readAll(h.names.dlq());

            assertThat(dlq).hasSize(corpus.size());
            Set<String> codes = Arrays.stream(DeadLetterReason.values())
                    .map(DeadLetterReason::code)
                    .collect(Collectors.toSet());
            assertThat(dlq).allSatisfy(r -> {
                assertThat(codes).contains(BridgeHeaders.get(r.headers(), BridgeHeaders.ERROR_REASON));
                assertThat(BridgeHeaders.get(r.headers(), BridgeHeaders.ERROR_MESSAGE))
                        .isNotBlank();
            });
            // Each hostile record is answered once, with its own bytes: match dead letters to records by offset.
            // (The topic has two partitions: a record is identified by partition and offset.)
            Map<String, Integer> perOffset = new HashMap<>();
            dlq.forEach(r -> perOffset.merge(
                    BridgeHeaders.get(r.headers(), BridgeHeaders.ORIGINAL_PARTITION) + "@"
                            + BridgeHeaders.get(r.headers(), BridgeHeaders.ORIGINAL_OFFSET),
                    1,
                    Integer::sum));
            assertThat(perOffset.values()).containsOnly(1);
            assertThat(dlq.stream()
                            .map(r -> new String(r.value(), UTF_8))
                            .filter(v -> v.startsWith("{\"custom_id\":\"good-")))
                    .isEmpty();
            assertThat(h.ticketedCustomIds()).containsExactlyInAnyOrderElementsOf(good);
            TicketItem forged = h.tickets().stream()
                    .flatMap(t -> t.items().stream())
                    .filter(i -> i.customId().equals("forged-fields"))
                    .findFirst()
                    .orElseThrow();
            assertThat(forged.attempt()).isEqualTo(1);
            assertThat(forged.origin().topic()).isEqualTo(topic);
            // every echo of a producer's value is bounded and printable, and every key is a legal custom_id
            assertThat(dlq).allSatisfy(r -> {
                String message = BridgeHeaders.get(r.headers(), BridgeHeaders.ERROR_MESSAGE);
                assertThat(message.length()).isLessThan(2_000);
                assertThat(message.chars().noneMatch(c -> c < 0x20)).as(message).isTrue();
                if (r.key() != null) {
                    assertThat(new String(r.key(), UTF_8)).matches(EnvelopeCodec.CUSTOM_ID);
                }
            });
            assertThat(app.state()).isEqualTo(RoleState.RUNNING);
            Map<String, Long> byReason = dlq.stream()
                    .collect(Collectors.groupingBy(
                            r -> BridgeHeaders.get(r.headers(), BridgeHeaders.ERROR_REASON),
                            java.util.TreeMap::new,
                            Collectors.counting()));
            System.out.println("hostile corpus: records=" + corpus.size() + " dead letters by reason " + byReason);
        }
    }
}
