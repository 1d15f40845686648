package io.batchbridge.submitter;

import static io.batchbridge.submitter.SubmitterHarness.params;
import static io.batchbridge.submitter.SubmitterHarness.request;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.batchbridge.common.lifecycle.RoleState;
import io.batchbridge.common.records.DeadLetterReason;
import io.batchbridge.common.records.DeadLetters;
import io.batchbridge.common.records.Headers;
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
            for (int i = 0; i < corpus.size(); i++) {
                h.publish(topic, null, corpus.get(i).value(), new RecordHeaders());
                if (i % 10 == 0) {
                    String id = "good-" + i;
                    good.add(id);
                    h.publish(topic, id, request(id, params("claude-sonnet-4-6", 50, "fine"), ""));
                }
            }

            await().atMost(Duration.ofSeconds(120))
                    .until(() -> h.readAll(h.names.dlq()).size() >= corpus.size());
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> h.ticketedCustomIds().size() >= good.size());
            List<ConsumerRecord<byte[], byte[]>> dlq = h.readAll(h.names.dlq());

            assertThat(dlq).hasSize(corpus.size());
            Set<String> codes = Arrays.stream(DeadLetterReason.values())
                    .map(DeadLetterReason::code)
                    .collect(Collectors.toSet());
            assertThat(dlq).allSatisfy(r -> {
                assertThat(codes).contains(DeadLetters.header(r.headers(), Headers.ERROR_REASON));
                assertThat(DeadLetters.header(r.headers(), Headers.ERROR_MESSAGE))
                        .isNotBlank();
            });
            // Each hostile record is answered once, with its own bytes: match dead letters to records by offset.
            // (The topic has two partitions: a record is identified by partition and offset.)
            Map<String, Integer> perOffset = new HashMap<>();
            dlq.forEach(r -> perOffset.merge(
                    DeadLetters.header(r.headers(), Headers.ORIGINAL_PARTITION) + "@"
                            + DeadLetters.header(r.headers(), Headers.ORIGINAL_OFFSET),
                    1,
                    Integer::sum));
            assertThat(perOffset.values()).containsOnly(1);
            assertThat(dlq.stream()
                            .map(r -> new String(r.value(), UTF_8))
                            .filter(v -> v.startsWith("{\"custom_id\":\"good-")))
                    .isEmpty();
            assertThat(h.ticketedCustomIds()).containsExactlyInAnyOrderElementsOf(good);
            assertThat(app.state()).isEqualTo(RoleState.RUNNING);
            Map<String, Long> byReason = dlq.stream()
                    .collect(Collectors.groupingBy(
                            r -> DeadLetters.header(r.headers(), Headers.ERROR_REASON),
                            java.util.TreeMap::new,
                            Collectors.counting()));
            System.out.println("hostile corpus: records=" + corpus.size() + " dead letters by reason " + byReason);
        }
    }
}
