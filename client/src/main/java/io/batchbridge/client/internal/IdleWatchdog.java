package io.batchbridge.client.internal;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Aborts results streams that receive no bytes for the idle-read timeout. A total timeout would be wrong
 * for a download that legitimately takes minutes; a stalled socket, however, must not hold a worker
 * thread forever. One daemon thread per client checks every open stream a few times per timeout.
 */
public final class IdleWatchdog implements AutoCloseable {
    /** A stream under watch. */
    public interface Watched {
        /** {@link System#nanoTime()} of the last received bytes. */
        long lastProgressNanos();

        /** Called once, from the watchdog thread, when the stream has been idle too long. */
        void abortIdle();
    }

    private final long idleNanos;
    private final Set<Watched> watched = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService timer;

    public IdleWatchdog(Duration idleTimeout, String account) {
        this.idleNanos = idleTimeout.toNanos();
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "batches-api-idle-watchdog-" + account);
            t.setDaemon(true);
            return t;
        });
        long period = Math.max(TimeUnit.MILLISECONDS.toNanos(5), idleNanos / 4);
        timer.scheduleAtFixedRate(this::check, period, period, TimeUnit.NANOSECONDS);
    }

    public void watch(Watched w) {
        watched.add(w);
    }

    public void unwatch(Watched w) {
        watched.remove(w);
    }

    private void check() {
        long now = System.nanoTime();
        for (Watched w : watched) {
            if (now - w.lastProgressNanos() > idleNanos) {
                watched.remove(w);
                try {
                    w.abortIdle();
                } catch (RuntimeException e) {
                    // aborting is best effort; the reader sees the closed stream either way
                }
            }
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
