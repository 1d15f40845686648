package io.batchbridge.worker.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.batchbridge.common.model.ModelCatalogue;
import io.batchbridge.common.records.Ticket;
import io.batchbridge.common.records.TicketItem;
import io.batchbridge.common.testing.ManualClock;
import io.batchbridge.common.topics.TopicNames;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/**
 * A fan-out commit that times out: Kafka forbids aborting it (the commit may already be completing), so it is
 * retried; when every attempt times out the outcome is unknown and the caller must fence and re-read, never
 * resume from the checkpoint held in memory.
 */
class FanoutCommitsTest {
    private static final TopicPartition TP = new TopicPartition("batches", 0);

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final WorkerMetrics metrics = new WorkerMetrics(registry);
    private final CommitBook book = new CommitBook();
    private final List<TimingOutProducer> built = new ArrayList<>();
    private final ManualClock clock = ManualClock.at("2026-11-22T10:00:00Z");

    /** A mock producer whose first {@code timeouts} commits time out (abort after a timeout is refused, as in Kafka). */
    static final class TimingOutProducer extends MockProducer<byte[], byte[]> {
        private final AtomicInteger timeouts;
        boolean timedOut;
        int aborts;

        TimingOutProducer(int timeouts) {
            super(true, null, new ByteArraySerializer(), new ByteArraySerializer());
            this.timeouts = new AtomicInteger(timeouts);
        }

        @Override
        public void commitTransaction() {
            if (timeouts.getAndDecrement() > 0) {
                timedOut = true;
                throw new TimeoutException("Timeout expired after 60000ms while awaiting EndTxn(true)");
            }
            timedOut = false;
            super.commitTransaction();
        }

        @Override
        public void abortTransaction() {
            aborts++;
            if (timedOut) {
                throw new IllegalStateException("the previous call to commitTransaction timed out and must be retried");
            }
            super.abortTransaction();
        }
    }

    private FanoutCommits commits(int timeouts) {
        FanoutProducer producers = new FanoutProducer(() -> {
            TimingOutProducer p = new TimingOutProducer(built.isEmpty() ? timeouts : 0);
            p.initTransactions();
            built.add(p);
            return p;
        });
        return new FanoutCommits(
                producers,
                book,
                new OutcomeRecords(TopicNames.defaults(), ModelCatalogue.defaults(), clock),
                new EventPublisher(new MockProducer<>(), "events", clock),
                e -> {
                    throw e;
                },
                metrics);
    }

    private OpenBatch batch() {
        book.assign(TP, 0);
        book.publish(new ConsumerGroupMetadata("bridge-worker"));
        return new OpenBatch("msgbatch_1", TP, 1, Instant.EPOCH);
    }

    private double transactions(String outcome) {
        var c = registry.find("bridge.worker.transactions")
                .tag("outcome", outcome)
                .counter();
        return c == null ? 0 : c.count();
    }

    private static FanoutTxn txnWithOneItem(Producer<byte[], byte[]> producer) {
        FanoutTxn txn = new FanoutTxn(producer, Checkpoint.empty());
        txn.begin();
        txn.lineRead();
        txn.delivered(0, "succeeded");
        return txn;
    }

    @Test
    void aCommitThatTimedOutIsRetriedAndNeverAborted() {
        FanoutCommits commits = commits(2);
        OpenBatch b = batch();
        FanoutTxn txn = txnWithOneItem(built.get(0));

        commits.commit(b, txn, false, null);

        TimingOutProducer p = built.get(0);
        assertThat(p.commitCount()).isEqualTo(1);
        assertThat(p.aborts).as("a timed-out commit is never aborted").isZero();
        assertThat(transactions("commit_timeout")).isEqualTo(2);
        assertThat(transactions("committed")).isEqualTo(1);
        assertThat(b.checkpoint().deliveredCount())
                .as("the committed checkpoint")
                .isEqualTo(1);
        assertThat(built).as("no producer renewed").hasSize(1);
    }

    @Test
    void aCommitThatKeepsTimingOutHasAnUnknownOutcomeAndKeepsTheOldCheckpoint() {
        FanoutCommits commits = commits(Integer.MAX_VALUE);
        OpenBatch b = batch();
        FanoutTxn txn = txnWithOneItem(built.get(0));

        assertThatThrownBy(() -> commits.commit(b, txn, false, null)).isInstanceOf(CommitOutcomeUnknown.class);

        assertThat(transactions("commit_timeout")).isEqualTo(FanoutCommits.COMMIT_ATTEMPTS);
        assertThat(built.get(0).aborts).isZero();
        assertThat(b.checkpoint().deliveredCount())
                .as("what may not have committed is not taken as committed")
                .isZero();
    }

    @Test
    void anOffsetsOnlyCommitOfUnknownOutcomeRenewsTheProducer() {
        FanoutCommits commits = commits(Integer.MAX_VALUE);
        batch();

        commits.commitOffsets(TP);

        assertThat(transactions("outcome_unknown")).isEqualTo(1);
        assertThat(built)
                .as("fenced: a new producer with the same transactional id")
                .hasSize(2);
        assertThat(built.get(0).closed()).isTrue();
        commits.commitOffsets(TP);
        assertThat(built.get(1).commitCount())
                .as("the renewed producer commits")
                .isEqualTo(1);
    }

    /**
     * Review finding: a last commit whose outcome stays unknown may land after another thread's commit moved the
     * group's offset back; so it must not remove its own checkpoint (a re-read ticket would find none and fan the
     * batch out again) — it writes it "done", and tombstones only what lies below the offset committable without it.
     */
    @Test
    void aLastCommitWritesItsCheckpointDoneAndNeverTombstonesIt() {
        FanoutCommits commits = commits(0);
        OpenBatch b = batch();
        book.get(TP).ledger.register(0);
        Ticket t = new Ticket(
                "msgbatch_1",
                "default",
                List.of(),
                Instant.EPOCH,
                Instant.EPOCH.plusSeconds(86_400),
                1,
                0,
                1,
                List.of("requests"),
                List.of(new TicketItem(TicketItem.batchCustomId(0, 0, 0), "u-0", null, 1, null, null)));
        b.addPart(t, 0);
        FanoutTxn txn = txnWithOneItem(built.get(0));

        commits.commit(b, txn, true, java.time.Duration.ZERO);

        TimingOutProducer p = built.get(0);
        var own = p.history().stream()
                .filter(r -> r.topic().equals(TopicNames.defaults().checkpoints()))
                .filter(r -> new String(r.key(), java.nio.charset.StandardCharsets.UTF_8).equals("msgbatch_1"))
                .toList();
        assertThat(own).singleElement().satisfies(r -> {
            assertThat(r.value()).as("not a tombstone").isNotNull();
            assertThat(Checkpoint.fromJson(r.value()).done()).isTrue();
        });
        assertThat(p.consumerGroupOffsetsHistory())
                .as("its ticket offset is still committed with it")
                .anySatisfy(m -> assertThat(m.values().iterator().next().get(TP).offset())
                        .isEqualTo(1));
    }

    @Test
    void aRevokedPartitionCommitsNothing() throws InterruptedException {
        FanoutCommits commits = commits(0);
        OpenBatch b = batch();
        FanoutTxn txn = txnWithOneItem(built.get(0));
        book.revoke(TP, java.time.Duration.ofSeconds(1));

        assertThatThrownBy(() -> commits.commit(b, txn, false, null)).isInstanceOf(ResultFanout.RevokedException.class);
        assertThat(built.get(0).commitCount()).isZero();
    }

    // ---- commit order of one partition (issue #21) ----

    /** A one-part batch whose ticket record is at {@code offset}; the offset is registered as a consumed ticket. */
    private OpenBatch ticketAt(String batchId, long offset) {
        book.get(TP).ledger.register(offset);
        OpenBatch b = new OpenBatch(batchId, TP, 1, Instant.EPOCH);
        b.addPart(
                new Ticket(
                        batchId,
                        "default",
                        List.of(),
                        Instant.EPOCH,
                        Instant.EPOCH.plusSeconds(86_400),
                        1,
                        0,
                        1,
                        List.of("requests"),
                        List.of(new TicketItem(TicketItem.batchCustomId(0, 0, 0), "u-0", null, 1, null, null))),
                offset);
        return b;
    }

    /** The ticket offset each committed transaction carried, in commit order. */
    private static List<Long> committedOffsets(TimingOutProducer p) {
        return p.consumerGroupOffsetsHistory().stream()
                .map(m -> m.values().iterator().next().get(TP).offset())
                .toList();
    }

    /** The checkpoint keys a transaction of {@code p} tombstoned, in send order. */
    private static List<String> tombstoned(TimingOutProducer p) {
        return p.history().stream()
                .filter(r -> r.topic().equals(TopicNames.defaults().checkpoints()) && r.value() == null)
                .map(r -> new String(r.key(), java.nio.charset.StandardCharsets.UTF_8))
                .toList();
    }

    @Test
    void batchesOfOnePartitionEndingOutOfOrderCommitOffsetsThatOnlyMoveForwardAndAGapHoldsThem() {
        FanoutCommits commits = commits(0);
        book.assign(TP, 10);
        book.publish(new ConsumerGroupMetadata("bridge-worker"));
        OpenBatch a = ticketAt("msgbatch_a", 10);
        OpenBatch b = ticketAt("msgbatch_b", 11);
        OpenBatch c = ticketAt("msgbatch_c", 12);
        TimingOutProducer p = built.get(0);

        commits.commit(b, txnWithOneItem(p), true, java.time.Duration.ZERO);
        commits.commit(c, txnWithOneItem(p), true, java.time.Duration.ZERO);
        assertThat(committedOffsets(p))
                .as("the open ticket at 10 holds the partition's offset")
                .containsExactly(10L, 10L);

        commits.commit(a, txnWithOneItem(p), true, java.time.Duration.ZERO);

        assertThat(committedOffsets(p))
                .as("the batch at the gap ends: its commit passes every ticket completed before it")
                .containsExactly(10L, 10L, 13L);
        assertThat(book.get(TP).ledger.committable()).isEqualTo(13);
        assertThat(tombstoned(p))
                .as("nothing lay below what was committable before these commits")
                .isEmpty();
    }

    @Test
    void doneCheckpointsAreTombstonedByTheFirstCommitAfterTheOffsetPassedThem() {
        FanoutCommits commits = commits(0);
        book.assign(TP, 0);
        book.publish(new ConsumerGroupMetadata("bridge-worker"));
        OpenBatch a = ticketAt("msgbatch_a", 0);
        OpenBatch b = ticketAt("msgbatch_b", 1);
        TimingOutProducer p = built.get(0);
        commits.commit(b, txnWithOneItem(p), true, java.time.Duration.ZERO);
        commits.commit(a, txnWithOneItem(p), true, java.time.Duration.ZERO);
        assertThat(tombstoned(p)).isEmpty();

        commits.commitOffsets(TP);

        assertThat(committedOffsets(p)).containsExactly(0L, 2L, 2L);
        assertThat(tombstoned(p)).containsExactlyInAnyOrder("msgbatch_a", "msgbatch_b");
        assertThat(book.get(TP).doneBelow(2)).as("tombstoned once").isEmpty();
        commits.commitOffsets(TP);
        assertThat(tombstoned(p)).hasSize(2);
    }

    @Test
    void aFanOutsIntermediateCommitDoesNotCommitPastItsOwnTicket() {
        FanoutCommits commits = commits(0);
        book.assign(TP, 0);
        book.publish(new ConsumerGroupMetadata("bridge-worker"));
        OpenBatch a = ticketAt("msgbatch_a", 0);
        TimingOutProducer p = built.get(0);

        commits.commit(a, txnWithOneItem(p), false, null);
        commits.commit(a, txnWithOneItem(p), true, java.time.Duration.ZERO);

        assertThat(committedOffsets(p))
                .as("a crash between the two must find the ticket again")
                .containsExactly(0L, 1L);
    }

    @Test
    void anOffsetsOnlyCommitCarriesTicketsCompletedElsewhere() {
        FanoutCommits commits = commits(0);
        book.assign(TP, 0);
        book.publish(new ConsumerGroupMetadata("bridge-worker"));
        OpenBatch a = ticketAt("msgbatch_a", 0);
        OpenBatch b = ticketAt("msgbatch_b", 1);

        book.completeTickets(b, false);
        commits.commitOffsets(TP);
        book.completeTickets(a, false);
        commits.commitOffsets(TP);

        assertThat(committedOffsets(built.get(0))).containsExactly(0L, 2L);
    }
}
