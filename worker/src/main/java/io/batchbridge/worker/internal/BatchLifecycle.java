package io.batchbridge.worker.internal;

import io.batchbridge.common.lifecycle.Threads;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.apache.kafka.common.TopicPartition;

/**
 * The one owner of every batch's lifecycle in the worker: its {@link BatchStage}, the typed job queue the fan-out
 * threads take from, and the timer that makes a waiting batch due again (and drives the tracker's polls). Every
 * transition is a compare-and-set on the batch's stage, so a batch is worked on by one thread at a time and a
 * revocation, whatever stage it finds, wins: a revoked batch is never queued, polled or resumed again, and a
 * fan-out running for it stops at its next line.
 *
 * <p>Who calls what: the poll thread ({@link TicketIntake}) calls {@link #assembling}, {@link #track},
 * {@link #drop}, {@link #alreadyDone} and {@link #revoke}; the tracker calls {@link #ended}; fan-out threads call
 * {@link #take}, {@link #release()}, {@link #retryLater} and {@link #committed}. Committing offsets and
 * checkpoints stays in {@link CommitBook}, which keeps its locks to itself.
 */
public final class BatchLifecycle implements AutoCloseable {

    /** Runs a task after a delay (the worker's timer thread; tests run tasks by hand). */
    @FunctionalInterface
    public interface Scheduler {
        void schedule(Duration delay, Runnable task);
    }

    /** What a fan-out thread does next. */
    public sealed interface Job permits FanOut, CommitOffsets {}

    /** Stream a due batch's results (the batch is {@link BatchStage#FANNING_OUT} once taken). */
    public record FanOut(OpenBatch batch) implements Job {}

    /** An offsets-only transaction for a partition whose tickets completed without a fan-out. */
    public record CommitOffsets(TopicPartition partition) implements Job {}

    private final Map<String, OpenBatch> batches = new ConcurrentHashMap<>();
    private final BlockingQueue<Job> jobs = new LinkedBlockingQueue<>();
    /** The batch each fan-out thread is running now. */
    private final Map<Thread, OpenBatch> running = new ConcurrentHashMap<>();
    /** Signalled when a fan-out thread releases its batch ({@link #awaitStopped}). */
    private final ReentrantLock runningLock = new ReentrantLock();

    private final Condition released = runningLock.newCondition();

    private final Scheduler scheduler;
    private final ScheduledExecutorService ownTimer;
    private final Consumer<OpenBatch> onTracking;

    /** With its own timer thread; {@code onTracking} starts the tracker's polls of a batch that became tracked. */
    public BatchLifecycle(Consumer<OpenBatch> onTracking) {
        this.ownTimer = Executors.newSingleThreadScheduledExecutor(Threads.daemon("worker-timer"));
        this.scheduler = (delay, task) -> {
            try {
                ownTimer.schedule(
                        Threads.guarded("a worker timer task", task), delay.toMillis(), TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException e) {
                // shutting down: the next owner of the partition resumes from the checkpoint
            }
        };
        this.onTracking = onTracking;
    }

    /** With the given scheduler (tests). */
    BatchLifecycle(Scheduler scheduler, Consumer<OpenBatch> onTracking) {
        this.ownTimer = null;
        this.scheduler = scheduler;
        this.onTracking = onTracking;
    }

    /** Runs {@code task} after {@code delay} on the lifecycle's timer. */
    public void later(Duration delay, Runnable task) {
        scheduler.schedule(delay, task);
    }

    // ---- the poll thread

    /** The batch {@code batchId} this worker knows (in any stage), or a fresh one from {@code fresh}. */
    public OpenBatch assembling(String batchId, Supplier<OpenBatch> fresh) {
        return batches.computeIfAbsent(batchId, id -> fresh.get());
    }

    /** Every part arrived: ASSEMBLING → TRACKING, and the tracker starts polling it. */
    public boolean track(OpenBatch b) {
        if (!b.move(BatchStage.ASSEMBLING, BatchStage.TRACKING)) {
            return false;
        }
        onTracking.accept(b);
        return true;
    }

    /** Its parts can never make a batch: ASSEMBLING → DROPPED, forgotten. */
    public void drop(OpenBatch b) {
        if (b.move(BatchStage.ASSEMBLING, BatchStage.DROPPED)) {
            batches.remove(b.batchId(), b);
        }
    }

    /** Fanned out before (its checkpoint says done): ASSEMBLING → COMMITTED; only its ticket offsets remain. */
    public void alreadyDone(OpenBatch b) {
        if (b.move(BatchStage.ASSEMBLING, BatchStage.COMMITTED)) {
            batches.remove(b.batchId(), b);
        }
    }

    /**
     * Revokes every batch of {@code partitions} that has not ended: it moves to REVOKED whatever its stage, is
     * forgotten and taken off the job queue; a fan-out running for it stops at its next line ({@link
     * #awaitStopped}). Returns the revoked batches.
     */
    public List<OpenBatch> revoke(Collection<TopicPartition> partitions) {
        List<OpenBatch> revoked = new ArrayList<>();
        for (OpenBatch b : batches.values()) {
            if (partitions.contains(b.partition()) && b.end(BatchStage.REVOKED)) {
                batches.remove(b.batchId(), b);
                revoked.add(b);
            }
        }
        jobs.removeIf(j -> j instanceof FanOut f && f.batch().revoked()
                || j instanceof CommitOffsets c && partitions.contains(c.partition()));
        return revoked;
    }

    /** Waits until no fan-out thread still runs a revoked batch; false when {@code max} passed first. */
    public boolean awaitStopped(Duration max) throws InterruptedException {
        long left = max.toNanos();
        runningLock.lock();
        try {
            while (running.values().stream().anyMatch(OpenBatch::revoked)) {
                if (left <= 0) {
                    return false;
                }
                left = released.awaitNanos(left); // signalled by every release()
            }
            return true;
        } finally {
            runningLock.unlock();
        }
    }

    // ---- the tracker

    /** The batch ended at the API (or is gone): TRACKING → DUE, queued for a fan-out thread. */
    public boolean ended(OpenBatch b) {
        if (!b.move(BatchStage.TRACKING, BatchStage.DUE)) {
            return false;
        }
        jobs.add(new FanOut(b));
        return true;
    }

    /** Queues an offsets-only commit of {@code tp}. */
    public void commitOffsets(TopicPartition tp) {
        jobs.add(new CommitOffsets(tp));
    }

    // ---- fan-out threads

    /**
     * The next job, or null when none came within {@code wait}; a {@link FanOut} taken is FANNING_OUT and must be
     * {@link #release() released} by the thread when it is done with it, whatever happened.
     */
    public Job take(Duration wait) throws InterruptedException {
        Job j = jobs.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
        if (j instanceof FanOut f) {
            if (!f.batch().move(BatchStage.DUE, BatchStage.FANNING_OUT)) {
                return null; // revoked while queued
            }
            running.put(Thread.currentThread(), f.batch());
        }
        return j;
    }

    /** The calling fan-out thread is done with the batch it took (committed, revoked, waiting or failed). */
    public void release() {
        if (running.remove(Thread.currentThread()) != null) {
            runningLock.lock();
            try {
                released.signalAll();
            } finally {
                runningLock.unlock();
            }
        }
    }

    /** A transient failure: FANNING_OUT → WAITING, and DUE again after {@code delay} unless revoked meanwhile. */
    public boolean retryLater(OpenBatch b, Duration delay) {
        if (!b.move(BatchStage.FANNING_OUT, BatchStage.WAITING)) {
            return false;
        }
        scheduler.schedule(delay, () -> {
            if (b.move(BatchStage.WAITING, BatchStage.DUE)) {
                jobs.add(new FanOut(b));
            }
        });
        return true;
    }

    /** Its last transaction committed: FANNING_OUT → COMMITTED, forgotten. */
    public boolean committed(OpenBatch b) {
        if (!b.move(BatchStage.FANNING_OUT, BatchStage.COMMITTED)) {
            return false;
        }
        batches.remove(b.batchId(), b);
        return true;
    }

    // ---- gauges (any thread)

    /** Batches tracked, due, waiting or being fanned out. */
    public Stream<OpenBatch> open() {
        return batches.values().stream().filter(b -> b.stage().open());
    }

    public int openCount() {
        return (int) open().count();
    }

    /** Ended batches waiting for a fan-out thread, waiting to resume, or being fanned out now. */
    public int backlog() {
        return (int) batches.values().stream()
                .filter(b -> b.stage().open() && b.stage() != BatchStage.TRACKING)
                .count();
    }

    /** Batches whose ticket parts are still arriving. */
    public Stream<OpenBatch> assembling() {
        return batches.values().stream().filter(b -> b.stage() == BatchStage.ASSEMBLING);
    }

    /** Jobs queued (tests and diagnostics). */
    int queued() {
        return jobs.size();
    }

    @Override
    public void close() {
        if (ownTimer != null) {
            ownTimer.shutdownNow();
        }
    }
}
