package io.batchbridge.worker.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A few fan-out threads, each with its own {@link ResultFanout} (and so its own transactional producer), taking
 * ended batches and offsets-only commits from one queue. The number of threads, not the number of ended
 * batches, bounds the streams open at once and the memory they hold.
 */
public final class FanoutPool implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(FanoutPool.class);

    private final BlockingQueue<Object> queue = new LinkedBlockingQueue<>();
    private final Set<OpenBatch> running = ConcurrentHashMap.newKeySet();
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean stopping;

    /** @param fanouts builds the fan-out of thread {@code n} (on that thread, so its producer belongs to it) */
    public FanoutPool(int threadCount, IntFunction<ResultFanout> fanouts, IntFunction<Runnable> onExit) {
        for (int n = 0; n < threadCount; n++) {
            int id = n;
            Thread t = new Thread(() -> loop(fanouts.apply(id), onExit.apply(id)), "bridge-worker-fanout-" + n);
            t.setDaemon(true);
            threads.add(t);
        }
    }

    public void start() {
        threads.forEach(Thread::start);
    }

    public void submit(OpenBatch b) {
        queue.add(b);
    }

    public void commitOffsets(TopicPartition tp) {
        queue.add(tp);
    }

    /** Ended batches waiting for a thread or being fanned out now. */
    public int backlog() {
        return (int) queue.stream().filter(o -> o instanceof OpenBatch).count() + running.size();
    }

    /** Waits until no running fan-out belongs to a revoked batch (they stop at their next line). */
    public boolean awaitRevoked(Duration max) throws InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        while (running.stream().anyMatch(OpenBatch::revoked)) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(10);
        }
        queue.removeIf(o -> o instanceof OpenBatch b && b.revoked());
        return true;
    }

    private void loop(ResultFanout fanout, Runnable onExit) {
        try {
            while (!stopping) {
                Object job = queue.poll(100, TimeUnit.MILLISECONDS);
                try {
                    run(fanout, job);
                } catch (RuntimeException e) { // one job's failure never costs the pool a thread
                    log.error(
                            "fan-out thread {} failed on {}",
                            Thread.currentThread().getName(),
                            job,
                            e);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            onExit.run();
        }
    }

    private void run(ResultFanout fanout, Object job) {
        if (job instanceof OpenBatch b && !b.revoked()) {
            running.add(b);
            try {
                fanout.run(b);
            } finally {
                running.remove(b);
            }
        } else if (job instanceof TopicPartition tp) {
            fanout.commitOffsets(tp);
        }
    }

    /** Stops taking jobs; running fan-outs are told to stop by revoking their batches (the caller does that). */
    @Override
    public void close() {
        stopping = true;
    }

    /** Waits for the threads to exit. */
    public boolean join(Duration max) throws InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        for (Thread t : threads) {
            long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (left > 0) {
                t.join(left);
            }
        }
        return threads.stream().noneMatch(Thread::isAlive);
    }

    public void interrupt() {
        threads.forEach(Thread::interrupt);
    }
}
