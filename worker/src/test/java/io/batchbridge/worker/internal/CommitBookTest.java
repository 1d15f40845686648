package io.batchbridge.worker.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/** Commit order and revocation of one partition, without a broker. */
class CommitBookTest {
    private static final TopicPartition TP = new TopicPartition("batches", 0);

    @Test
    void nothingRunsForAPartitionNotAssignedOrRevoked() throws InterruptedException {
        CommitBook book = new CommitBook();
        AtomicBoolean ran = new AtomicBoolean();
        assertThat(book.underLock(TP, p -> ran.set(true))).isFalse();
        book.assign(TP, 0);
        assertThat(book.revoke(TP, Duration.ofSeconds(1))).isTrue();
        assertThat(book.underLock(TP, p -> ran.set(true))).isFalse();
        assertThat(ran).isFalse();
    }

    @Test
    void commitsOfOnePartitionNeverOverlapAndRevocationWaitsForTheOneRunning() throws Exception {
        CommitBook book = new CommitBook();
        book.assign(TP, 0);
        List<String> order = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch finish = new CountDownLatch(1);
        Thread first = new Thread(() -> book.underLock(TP, p -> {
            order.add("first begins");
            inside.countDown();
            try {
                finish.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            order.add("first commits");
        }));
        first.start();
        assertThat(inside.await(10, TimeUnit.SECONDS)).isTrue();
        Thread second = new Thread(() -> book.underLock(TP, p -> order.add("second commits")));
        second.start();
        // the revocation removes the partition from the book: start it only once the second commit waits for the lock
        org.awaitility.Awaitility.await()
                .atMost(java.time.Duration.ofSeconds(30))
                .until(() -> second.getState() == Thread.State.WAITING);
        Thread revoker = new Thread(() -> {
            try {
                book.revoke(TP, Duration.ofSeconds(10));
                order.add("revoked");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        revoker.start();
        // both wait for the lock now: the commit parked in lock(), the revocation in tryLock(timeout)
        org.awaitility.Awaitility.await()
                .atMost(java.time.Duration.ofSeconds(30))
                .until(() -> revoker.getState() == Thread.State.TIMED_WAITING);
        assertThat(second.getState()).isEqualTo(Thread.State.WAITING);
        assertThat(order).containsExactly("first begins");
        finish.countDown();
        first.join(10_000);
        second.join(10_000);
        revoker.join(10_000);
        assertThat(order.subList(0, 2)).containsExactly("first begins", "first commits");
        assertThat(order).contains("revoked");
        if (order.indexOf("second commits") >= 0) {
            assertThat(order.indexOf("second commits"))
                    .as("a commit that got the lock before the revocation ran before it returned")
                    .isLessThan(order.indexOf("revoked"));
        }
        assertThat(book.underLock(TP, p -> order.add("after"))).isFalse();
    }

    @Test
    void aRevocationThatCannotGetTheLockStillMarksThePartitionRevoked() throws Exception {
        CommitBook book = new CommitBook();
        CommitBook.Partition p = book.assign(TP, 0);
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch finish = new CountDownLatch(1);
        Thread stuck = new Thread(() -> book.underLock(TP, q -> {
            inside.countDown();
            try {
                finish.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }));
        stuck.start();
        assertThat(inside.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(book.revoke(TP, Duration.ofMillis(50)))
                .as("timed out waiting")
                .isFalse();
        assertThat(p.revoked()).isTrue();
        finish.countDown();
        stuck.join(10_000);
    }

    // ---- completion and the committable offset (issue #21) ----

    private static OpenBatch ticketAt(CommitBook book, String batchId, long offset) {
        book.get(TP).ledger.register(offset);
        OpenBatch b = new OpenBatch(batchId, TP, 1, java.time.Instant.EPOCH);
        b.addPart(
                new io.batchbridge.common.records.Ticket(
                        batchId,
                        "default",
                        List.of(),
                        java.time.Instant.EPOCH,
                        java.time.Instant.EPOCH.plusSeconds(86_400),
                        1,
                        0,
                        1,
                        List.of("requests"),
                        List.of(new io.batchbridge.common.records.TicketItem(
                                io.batchbridge.common.records.TicketItem.batchCustomId(0, 0, 0),
                                "u-0",
                                null,
                                1,
                                null,
                                null))),
                offset);
        return b;
    }

    @Test
    void theCommittableOffsetStaysAtTheLowestTicketNotCompleteWhateverCompletesAboveIt() {
        CommitBook book = new CommitBook();
        CommitBook.Partition p = book.assign(TP, 3);
        assertThat(p.ledger.committable())
                .as("nothing consumed: the assignment position")
                .isEqualTo(3);
        OpenBatch a = ticketAt(book, "a", 3);
        OpenBatch b = ticketAt(book, "b", 4);
        OpenBatch c = ticketAt(book, "c", 6);

        book.completeTickets(c, false);
        book.completeTickets(b, false);
        assertThat(p.ledger.committable()).isEqualTo(3);

        book.completeTickets(a, false);
        assertThat(p.ledger.committable()).as("one past the highest ticket").isEqualTo(7);
    }

    @Test
    void aCompletedBatchsCheckpointIsDueForRemovalOnlyOnceACommitPassesAllItsTickets() {
        CommitBook book = new CommitBook();
        CommitBook.Partition p = book.assign(TP, 0);
        OpenBatch a = ticketAt(book, "a", 0);
        OpenBatch b = ticketAt(book, "b", 1);
        OpenBatch kept = ticketAt(book, "kept", 2);

        book.completeTickets(b, true);
        book.completeTickets(kept, false);
        assertThat(p.doneBelow(p.ledger.committable()))
                .as("the gap at 0 holds it")
                .isEmpty();
        assertThat(p.doneBelow(1)).as("strictly below").isEmpty();

        book.completeTickets(a, true);
        assertThat(p.doneBelow(p.ledger.committable()))
                .as("a batch completed without a checkpoint to remove awaits none")
                .containsExactlyInAnyOrder("a", "b");
        p.tombstoned(List.of("a", "b"));
        assertThat(p.doneBelow(Long.MAX_VALUE)).isEmpty();
    }

    @Test
    void completingTicketsOfARevokedPartitionChangesNothingAndAReassignmentStartsAfresh() throws Exception {
        CommitBook book = new CommitBook();
        CommitBook.Partition old = book.assign(TP, 0);
        OpenBatch a = ticketAt(book, "a", 0);
        book.revoke(TP, Duration.ofSeconds(1));

        book.completeTickets(a, true);

        assertThat(old.ledger.committable()).isZero();
        assertThat(old.doneBelow(Long.MAX_VALUE)).isEmpty();
        CommitBook.Partition again = book.assign(TP, 40);
        assertThat(again).isNotSameAs(old);
        assertThat(again.revoked()).isFalse();
        assertThat(again.ledger.committable()).isEqualTo(40);
        assertThat(book.underLock(TP, q -> assertThat(q).isSameAs(again))).isTrue();
    }
}
