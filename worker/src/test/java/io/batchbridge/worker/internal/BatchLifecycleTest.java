package io.batchbridge.worker.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/** The worker's batch lifecycle without a broker: transitions, revocation in every stage, the job queue. */
class BatchLifecycleTest {
    private static final TopicPartition P0 = new TopicPartition("batches", 0);
    private static final TopicPartition P1 = new TopicPartition("batches", 1);

    private final List<Runnable> timer = new ArrayList<>();
    private final List<OpenBatch> tracking = new ArrayList<>();
    private final BatchLifecycle lifecycle = new BatchLifecycle((delay, task) -> timer.add(task), tracking::add);

    private OpenBatch batch(String id, TopicPartition tp) {
        return lifecycle.assembling(id, () -> new OpenBatch(id, tp, 1, Instant.EPOCH));
    }

    private OpenBatch tracked(String id, TopicPartition tp) {
        OpenBatch b = batch(id, tp);
        assertThat(lifecycle.track(b)).isTrue();
        return b;
    }

    private OpenBatch fanningOut(String id, TopicPartition tp) throws InterruptedException {
        OpenBatch b = tracked(id, tp);
        assertThat(lifecycle.ended(b)).isTrue();
        BatchLifecycle.Job job = lifecycle.take(Duration.ZERO);
        assertThat(job).isEqualTo(new BatchLifecycle.FanOut(b));
        return b;
    }

    private void runTimer() {
        List<Runnable> due = new ArrayList<>(timer);
        timer.clear();
        due.forEach(Runnable::run);
    }

    @Test
    void aBatchGoesFromAssemblingToCommitted() throws InterruptedException {
        OpenBatch b = batch("b1", P0);
        assertThat(b.stage()).isEqualTo(BatchStage.ASSEMBLING);
        assertThat(lifecycle.assembling("b1", () -> null)).as("known by id").isSameAs(b);

        assertThat(lifecycle.track(b)).isTrue();
        assertThat(b.stage()).isEqualTo(BatchStage.TRACKING);
        assertThat(tracking).containsExactly(b);
        assertThat(lifecycle.openCount()).isEqualTo(1);
        assertThat(lifecycle.backlog()).isZero();

        assertThat(lifecycle.ended(b)).isTrue();
        assertThat(b.stage()).isEqualTo(BatchStage.DUE);
        assertThat(lifecycle.backlog()).isEqualTo(1);
        assertThat(lifecycle.ended(b)).as("ended twice").isFalse();
        assertThat(lifecycle.queued()).isEqualTo(1);

        assertThat(lifecycle.take(Duration.ZERO)).isEqualTo(new BatchLifecycle.FanOut(b));
        assertThat(b.stage()).isEqualTo(BatchStage.FANNING_OUT);

        assertThat(lifecycle.committed(b)).isTrue();
        assertThat(b.stage()).isEqualTo(BatchStage.COMMITTED);
        assertThat(lifecycle.openCount()).isZero();
        assertThat(lifecycle.committed(b)).as("committed twice").isFalse();
        assertThat(lifecycle.assembling("b1", () -> new OpenBatch("b1", P0, 1, Instant.EPOCH)))
                .as("a committed batch is forgotten")
                .isNotSameAs(b);
    }

    @Test
    void aFailedFanOutWaitsThenIsDueAgain() throws InterruptedException {
        OpenBatch b = fanningOut("b1", P0);
        assertThat(lifecycle.retryLater(b, Duration.ofSeconds(5))).isTrue();
        assertThat(b.stage()).isEqualTo(BatchStage.WAITING);
        assertThat(lifecycle.take(Duration.ZERO)).as("not due before its time").isNull();
        assertThat(lifecycle.retryLater(b, Duration.ZERO))
                .as("only a running fan-out can wait")
                .isFalse();

        runTimer();
        assertThat(b.stage()).isEqualTo(BatchStage.DUE);
        assertThat(lifecycle.take(Duration.ZERO)).isEqualTo(new BatchLifecycle.FanOut(b));
        assertThat(b.stage()).isEqualTo(BatchStage.FANNING_OUT);
    }

    @Test
    void revocationWinsInEveryStage() throws InterruptedException {
        OpenBatch assembling = batch("assembling", P0);
        OpenBatch tracking = tracked("tracking", P0);
        OpenBatch running = fanningOut("running", P0);
        OpenBatch waiting = fanningOut("waiting", P0);
        lifecycle.retryLater(waiting, Duration.ofSeconds(1));
        OpenBatch done = fanningOut("done", P0);
        lifecycle.committed(done);
        OpenBatch due = tracked("due", P0);
        lifecycle.ended(due);
        OpenBatch other = tracked("other", P1);
        lifecycle.commitOffsets(P0);

        List<OpenBatch> revoked = lifecycle.revoke(Set.of(P0));

        assertThat(revoked).containsExactlyInAnyOrder(assembling, tracking, due, running, waiting);
        assertThat(List.of(assembling, tracking, due, running, waiting))
                .allSatisfy(b -> assertThat(b.stage()).isEqualTo(BatchStage.REVOKED));
        assertThat(done.stage()).as("a committed batch stays committed").isEqualTo(BatchStage.COMMITTED);
        assertThat(other.stage()).as("another partition's batch").isEqualTo(BatchStage.TRACKING);
        assertThat(lifecycle.queued())
                .as("queued fan-outs and offset commits of P0 are gone")
                .isZero();

        // nothing brings a revoked batch back
        assertThat(lifecycle.track(assembling)).isFalse();
        assertThat(lifecycle.ended(tracking)).isFalse();
        assertThat(lifecycle.committed(running)).isFalse();
        assertThat(lifecycle.retryLater(running, Duration.ZERO)).isFalse();
        runTimer(); // the waiting batch's timer fires after its revocation
        assertThat(waiting.stage()).isEqualTo(BatchStage.REVOKED);
        assertThat(lifecycle.take(Duration.ZERO)).isNull();
        assertThat(lifecycle.openCount()).isEqualTo(1);
        assertThat(lifecycle.assembling("tracking", () -> null)).as("forgotten").isNull();
    }

    @Test
    void aBatchRevokedWhileQueuedIsNeverTaken() throws InterruptedException {
        OpenBatch b = tracked("b1", P0);
        lifecycle.ended(b);
        b.end(BatchStage.REVOKED); // revoked between the queue and a thread: take() must skip it
        assertThat(lifecycle.take(Duration.ZERO)).isNull();
    }

    @Test
    void awaitStoppedWaitsForTheThreadRunningARevokedBatch() throws Exception {
        OpenBatch b = tracked("b1", P0);
        lifecycle.ended(b);
        CountDownLatch taken = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Thread fanout = new Thread(() -> {
            try {
                lifecycle.take(Duration.ofSeconds(10));
                taken.countDown();
                release.await();
                lifecycle.release();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        fanout.start();
        assertThat(taken.await(10, TimeUnit.SECONDS)).isTrue();
        lifecycle.revoke(Set.of(P0));
        assertThat(lifecycle.awaitStopped(Duration.ofMillis(50)))
                .as("the thread still runs the revoked batch")
                .isFalse();
        release.countDown();
        fanout.join(10_000);
        assertThat(lifecycle.awaitStopped(Duration.ofSeconds(10))).isTrue();
    }

    @Test
    void droppedAndAlreadyDoneBatchesAreForgotten() {
        OpenBatch dropped = batch("dropped", P0);
        lifecycle.drop(dropped);
        assertThat(dropped.stage()).isEqualTo(BatchStage.DROPPED);
        OpenBatch done = batch("done", P0);
        lifecycle.alreadyDone(done);
        assertThat(done.stage()).isEqualTo(BatchStage.COMMITTED);
        assertThat(lifecycle.assembling().count()).isZero();
        assertThat(tracking).as("neither was ever tracked").isEmpty();
    }
}
