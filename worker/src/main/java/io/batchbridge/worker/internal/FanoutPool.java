package io.batchbridge.worker.internal;

import io.batchbridge.common.lifecycle.Threads;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.IntFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A few fan-out threads, each with its own {@link ResultFanout} (and so its own transactional producer), taking
 * jobs from the {@link BatchLifecycle}. The number of threads, not the number of ended batches, bounds the
 * streams open at once and the memory they hold.
 *
 * <p>A thread never goes missing silently: a job's failure is the job's (its batch waits and resumes from the
 * committed checkpoint); a thread that dies anyway (an {@link Error}, or its fan-out could not be built) is
 * logged, counted and replaced after a pause, and {@link #threadsDown()} says how many are missing meanwhile.
 */
public final class FanoutPool implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(FanoutPool.class);
    private static final Duration POLL = Duration.ofMillis(100);
    /** Pause before a dead thread's replacement starts (and resumption delay of the batch it held). */
    static final Duration REPLACE_AFTER = Duration.ofSeconds(1);

    private final BatchLifecycle lifecycle;
    private final IntFunction<ResultFanout> fanouts;
    private final IntFunction<Runnable> onExit;
    private final Runnable onReplaced;
    private final AtomicReferenceArray<Thread> threads;
    private final AtomicInteger down = new AtomicInteger();
    private volatile boolean stopping;

    /**
     * @param fanouts builds the fan-out of thread {@code n} (on that thread, so its producer belongs to it)
     * @param onExit what thread {@code n} runs when it ends (closes its clients)
     * @param onReplaced counts a replaced thread
     */
    public FanoutPool(
            int threadCount,
            BatchLifecycle lifecycle,
            IntFunction<ResultFanout> fanouts,
            IntFunction<Runnable> onExit,
            Runnable onReplaced) {
        this.lifecycle = lifecycle;
        this.fanouts = fanouts;
        this.onExit = onExit;
        this.onReplaced = onReplaced;
        this.threads = new AtomicReferenceArray<>(threadCount);
    }

    public void start() {
        for (int n = 0; n < threads.length(); n++) {
            spawn(n);
        }
    }

    private void spawn(int n) {
        Thread t = Threads.daemon("worker-fanout-" + n, () -> loop(n));
        threads.set(n, t);
        t.start();
    }

    private void loop(int n) {
        Throwable died = null;
        try {
            ResultFanout fanout = fanouts.apply(n);
            while (!stopping) {
                BatchLifecycle.Job job = lifecycle.take(POLL);
                if (job != null) {
                    run(fanout, job);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException | Error e) {
            died = e;
        } finally {
            try {
                onExit.apply(n).run();
            } catch (RuntimeException e) {
                log.warn("closing the clients of fan-out thread {} failed", n, e);
            }
            if (died != null && !stopping) {
                replace(n, died);
            }
        }
    }

    private void run(ResultFanout fanout, BatchLifecycle.Job job) {
        if (job instanceof BatchLifecycle.FanOut f) {
            OpenBatch b = f.batch();
            try {
                fanout.run(b); // decides the batch's next stage itself, whatever happens short of an Error
            } catch (Error e) {
                lifecycle.release();
                b.checkpointUnknown(true); // a commit may have landed after all: re-read before resuming
                lifecycle.retryLater(b, REPLACE_AFTER); // resumes from its checkpoint on another thread
                throw e;
            } finally {
                lifecycle.release();
            }
        } else if (job instanceof BatchLifecycle.CommitOffsets c) {
            try {
                fanout.commitOffsets(c.partition());
            } catch (RuntimeException e) {
                log.error("offsets-only commit of {} failed", c.partition(), e);
            }
        }
    }

    private void replace(int n, Throwable why) {
        down.incrementAndGet();
        onReplaced.run();
        log.error("fan-out thread {} died; a replacement starts in {}", n, REPLACE_AFTER, why);
        lifecycle.later(REPLACE_AFTER, () -> {
            down.decrementAndGet();
            if (!stopping) {
                spawn(n);
            }
        });
    }

    /** Threads that died and whose replacement has not started yet. */
    public int threadsDown() {
        return down.get();
    }

    /** Stops taking jobs; running fan-outs are told to stop by revoking their batches (the caller does that). */
    @Override
    public void close() {
        stopping = true;
    }

    /** Waits for the threads to exit. */
    public boolean join(Duration max) throws InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        for (int n = 0; n < threads.length(); n++) {
            Thread t = threads.get(n);
            long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (t != null && left > 0) {
                t.join(left);
            }
        }
        for (int n = 0; n < threads.length(); n++) {
            Thread t = threads.get(n);
            if (t != null && t.isAlive()) {
                return false;
            }
        }
        return true;
    }

    public void interrupt() {
        for (int n = 0; n < threads.length(); n++) {
            Thread t = threads.get(n);
            if (t != null) {
                t.interrupt();
            }
        }
    }
}
