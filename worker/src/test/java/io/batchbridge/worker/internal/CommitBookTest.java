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
}
