package io.batchbridge.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.batchbridge.client.CreateBody;
import io.batchbridge.client.MessageBatch;
import io.batchbridge.common.json.Json;
import io.batchbridge.common.records.BridgeHeaders;
import io.batchbridge.common.records.TicketItem;
import io.batchbridge.emulator.Emulator;
import io.batchbridge.kafka.embedded.KafkaCluster;
import io.batchbridge.kafka.embedded.KafkaClusterExtension;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Requests de-duplicated into one API item (ticket items with {@code d}): one results line, a result for each, the
 * cost once — and a group larger than a transaction spans several, resumable from the checkpoint mid-group.
 */
@ExtendWith(KafkaClusterExtension.class)
class SharedAnswerIT {
    private static final int GROUP = 25;

    /** Publishes {@link #GROUP} identical requests; the API gets the first, the ticket names all of them. */
    private static MessageBatch submitGroup(Pipeline p) throws Exception {
        List<Pipeline.Published> reqs = new ArrayList<>();
        for (int i = 0; i < GROUP; i++) {
            reqs.add(p.publish("group-" + i, 1000, "#emulate output_tokens=10 outcome=succeeded"));
        }
        Pipeline.Published first = reqs.get(0);
        String answered =
                TicketItem.batchCustomId(0, first.at().partition(), first.at().offset());
        CreateBody.Builder body = CreateBody.inMemory();
        body.add(answered, Pipeline.params(first.envelope()).getBytes(StandardCharsets.UTF_8));
        MessageBatch batch = p.client.create(body.build(), List.of());
        List<TicketItem> items = new ArrayList<>();
        for (Pipeline.Published r : reqs) {
            String id = TicketItem.batchCustomId(0, r.at().partition(), r.at().offset());
            TicketItem item = new TicketItem(id, r.customId(), null, 1, null, r.at(), 3);
            items.add(id.equals(answered) ? item : item.sharing(answered));
        }
        p.writeTicket(batch, items, List.of(p.topics.requests().get(0)), 2, List.of());
        return batch;
    }

    private static void assertEachGotTheAnswerOnceAndTheCostOnce(Pipeline p) {
        List<ConsumerRecord<byte[], byte[]>> results = p.readAll(p.topics.results());
        Map<String, Integer> count = new HashMap<>();
        Map<String, JsonNode> byId = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : results) {
            String id = new String(r.key(), StandardCharsets.UTF_8);
            count.merge(id, 1, Integer::sum);
            try {
                byId.put(id, Json.MAPPER.readTree(r.value()));
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            String with = Pipeline.header(r, BridgeHeaders.SHARED_WITH);
            assertThat(with).as(id).isEqualTo(id.equals("group-0") ? null : "group-0");
        }
        assertThat(count)
                .hasSize(GROUP)
                .allSatisfy((id, n) -> assertThat(n).as(id).isEqualTo(1));
        assertThat(byId.get("group-0").path("cost").path("total_micro_usd").asLong())
                .isPositive();
        byId.forEach((id, v) -> {
            if (!id.equals("group-0")) {
                assertThat(v.path("cost").path("total_micro_usd").asLong())
                        .as(id)
                        .isZero();
                assertThat(v.path("message")).isEqualTo(byId.get("group-0").path("message"));
            }
        });
        assertThat(p.readAll(p.topics.dlq())).isEmpty();
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void aGroupLargerThanATransactionSpansSeveralAndEachRequestGetsItsResultOnce(KafkaCluster cluster)
            throws Exception {
        try (Emulator emu = Emulator.builder().timeScale(3600).seed(5).build().start();
                Pipeline p = new Pipeline(cluster, emu, 1)) {
            submitGroup(p);
            emu.advance(Duration.ofHours(3));
            AtomicInteger commits = new AtomicInteger();
            p.worker(Map.of(WorkerConfig.TXN_MAX_RECORDS, "10"), (id, last) -> commits.incrementAndGet());

            await().atMost(Duration.ofSeconds(60)).until(() -> p.committedTicketOffset() == 2);
            assertEachGotTheAnswerOnceAndTheCostOnce(p);
            assertThat(commits.get())
                    .as("one results line, 25 records, at most 10 a transaction")
                    .isGreaterThanOrEqualTo(3);
        }
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void aFanOutCutMidGroupIsFinishedByItsSuccessorFromTheCheckpoint(KafkaCluster cluster) throws Exception {
        try (Emulator emu = Emulator.builder().timeScale(3600).seed(6).build().start();
                Pipeline p = new Pipeline(cluster, emu, 1)) {
            submitGroup(p);
            emu.advance(Duration.ofHours(3));
            Map<String, String> small = Map.of(WorkerConfig.TXN_MAX_RECORDS, "10");
            // the first worker commits one transaction of the group, then freezes inside its second
            AtomicInteger commits = new AtomicInteger();
            CountDownLatch frozen = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            WorkerApp first = p.worker(small, (id, last) -> {
                if (commits.incrementAndGet() == 2) {
                    frozen.countDown();
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            });
            assertThat(frozen.await(60, TimeUnit.SECONDS)).isTrue();
            first.abort();

            p.worker(small); // same instance id: fences the frozen transaction, resumes from the checkpoint
            await().atMost(Duration.ofSeconds(60)).until(() -> p.committedTicketOffset() == 2);
            release.countDown();
            assertEachGotTheAnswerOnceAndTheCostOnce(p);
        }
    }
}
