package io.batchbridge.worker.internal;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

/**
 * Spaces API calls to at most {@code callsPerSecond}, whatever the number of open batches: each caller takes the
 * next free slot and parks until it. Callers are the worker's call pool and fan-out threads, never the poll
 * thread. Together with the fixed size of the call pool this keeps the worker inside the account's rate limit.
 */
public final class CallPacer {
    private final long intervalNanos;
    private long nextSlot = System.nanoTime();

    public CallPacer(double callsPerSecond) {
        this.intervalNanos = (long) (1_000_000_000L / callsPerSecond);
    }

    /** Waits for this caller's slot; returns false if interrupted (the caller should give up). */
    public boolean acquire() {
        long slot;
        synchronized (this) {
            long now = System.nanoTime();
            slot = Math.max(now, nextSlot);
            nextSlot = slot + intervalNanos;
        }
        long wait;
        while ((wait = slot - System.nanoTime()) > 0) {
            LockSupport.parkNanos(wait);
            if (Thread.currentThread().isInterrupted()) {
                return false;
            }
        }
        return true;
    }

    public Duration interval() {
        return Duration.ofNanos(intervalNanos);
    }
}
