package io.batchbridge.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.batchbridge.common.lifecycle.RoleState;
import io.batchbridge.common.records.BridgeHeaders;
import io.batchbridge.emulator.Emulator;
import io.batchbridge.kafka.embedded.KafkaCluster;
import io.batchbridge.kafka.embedded.KafkaClusterExtension;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Tickets are input like any other: a record on the batches topic that is not a well-formed ticket, or ticket
 * parts that can never make a whole batch, is skipped (logged, counted, its offset committed in order) and the
 * good tickets behind it are fanned out. Before #17 the first forged record below killed the worker with an
 * OutOfMemoryError on every restart, and the second held the partition's committed offset forever.
 */
@ExtendWith(KafkaClusterExtension.class)
class ForgedTicketIT {

    /** A ticket as JSON, by hand, with whatever {@code parts} a hostile producer chose. */
    private static String forged(Pipeline p, String batchId, int part, long parts) {
        return forged(batchId, "default", p.topics.requests().get(0), 2, part, parts);
    }

    private static String forged(String batchId, String account, String source, int requests, int part, long parts) {
        Instant now = Instant.now();
        return "{\"v\":1,\"batch_id\":\"" + batchId + "\",\"account\":\"" + account + "\",\"betas\":[],"
                + "\"created_at\":\"" + now + "\",\"expires_at\":\"" + now.plus(Duration.ofDays(1)) + "\","
                + "\"request_count\":" + requests + ",\"part\":" + part + ",\"parts\":" + parts
                + ",\"sources\":[\"" + source + "\"],"
                + "\"items\":[{\"b\":\"s0-p0-o0\",\"c\":\"forged\"}]}";
    }

    /** Writes {@code ticket} (offset 0, marker 1), then a good one-request batch (offset 2, marker 3), runs a worker. */
    private static WorkerApp forgedThenGood(Pipeline p, String ticket) throws Exception {
        p.writeRawTicket("msgbatch_forged", ticket.getBytes(StandardCharsets.UTF_8));
        var good = p.publish("good", 1000, "#emulate output_tokens=10 outcome=succeeded");
        p.submit(List.of(good), 1, List.of());
        return p.worker(Map.of());
    }

    private static void assertGoodDeliveredAndBadSkipped(Pipeline p, WorkerApp w, String reason) {
        assertGoodDeliveredAndBothCommitted(p, w);
        assertThat(p.counter("bridge.worker.tickets.skipped", "reason", reason)).isEqualTo(1);
        assertThat(p.readAll(p.topics.dlq())).isEmpty();
    }

    private static void assertGoodDeliveredAndBothCommitted(Pipeline p, WorkerApp w) {
        await().atMost(Duration.ofSeconds(60))
                .until(() -> p.readAll(p.topics.results()).size() == 1);
        assertThat(new String(p.readAll(p.topics.results()).get(0).key(), StandardCharsets.UTF_8))
                .isEqualTo("good");
        await().atMost(Duration.ofSeconds(60))
                .alias("both tickets' offsets committed, the forged one included")
                .until(() -> p.committedTicketOffset() == 3);
        assertThat(w.state()).isEqualTo(RoleState.RUNNING);
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void skipsATicketOfTwoBillionPartsAndFansOutTheNextOne(KafkaCluster cluster) throws Exception {
        try (Emulator emu = Emulator.builder().timeScale(3600).seed(17).build().start();
                Pipeline p = new Pipeline(cluster, emu, 1)) {
            WorkerApp w = forgedThenGood(p, forged(p, "msgbatch_forged", 0, 2_000_000_000L));

            assertGoodDeliveredAndBadSkipped(p, w, "invalid");
        }
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void skipsTicketPartsWhoseOtherPartsNeverCome(KafkaCluster cluster) throws Exception {
        try (Emulator emu = Emulator.builder().timeScale(3600).seed(18).build().start();
                Pipeline p = new Pipeline(cluster, emu, 1)) {
            // a well-formed part 0 of 2, in a transaction of its own: part 1 can never follow
            WorkerApp w = forgedThenGood(p, forged(p, "msgbatch_forged", 0, 2));

            assertGoodDeliveredAndBadSkipped(p, w, "incomplete");
        }
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void skipsATicketNamingAnAccountTheWorkerHasNoCredentialsFor(KafkaCluster cluster) throws Exception {
        try (Emulator emu = Emulator.builder().timeScale(3600).seed(19).build().start();
                Pipeline p = new Pipeline(cluster, emu, 1)) {
            WorkerApp w = forgedThenGood(
                    p, forged("msgbatch_forged", "mallory", p.topics.requests().get(0), 1, 0, 1));

            assertGoodDeliveredAndBadSkipped(p, w, "invalid");
        }
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void deadLettersTheItemOfAForgedTicketWhoseBatchAndSourceTopicDoNotExist(KafkaCluster cluster) throws Exception {
        try (Emulator emu = Emulator.builder().timeScale(3600).seed(20).build().start();
                Pipeline p = new Pipeline(cluster, emu, 1)) {
            String nowhere = p.topics.requests().get(0) + ".nowhere";
            // well-formed, so it is tracked: the API answers 404 until the batch counts as deleted, and the
            // request its dead letter would carry cannot be read: the topic does not exist
            WorkerApp w = forgedThenGood(p, forged("msgbatch_forged", "default", nowhere, 1, 0, 1));

            assertGoodDeliveredAndBothCommitted(p, w);
            var dead = p.readAll(p.topics.dlq());
            assertThat(dead).hasSize(1);
            assertThat(Pipeline.header(dead.get(0), BridgeHeaders.ERROR_REASON)).isEqualTo("results_unavailable");
            assertThat(dead.get(0).value()).as("no original to carry").isNull();
        }
    }
}
