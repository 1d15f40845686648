package io.batchbridge.client.internal;

import io.batchbridge.common.lifecycle.Threads;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Aborts results streams whose socket delivers nothing for the idle-read timeout. A total timeout would be
 * wrong for a download that legitimately takes minutes; a stalled socket, however, must not hold a worker
 * thread forever. Only time spent <em>inside</em> a read counts: a consumer that pauses between lines (say,
 * to commit a Kafka transaction) is not idle. One daemon thread per client checks the open streams a few
 * times per timeout and closes a stalled one, which makes the blocked read fail.
 */
public final class IdleWatchdog implements AutoCloseable {
    private final long idleNanos;
    private final Set<Guarded> watched = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService timer;

    public IdleWatchdog(Duration idleTimeout, String account) {
        this.idleNanos = idleTimeout.toNanos();
        this.timer = Executors.newSingleThreadScheduledExecutor(Threads.daemon("api-idle-watchdog-" + account));
        long period = Math.max(TimeUnit.MILLISECONDS.toNanos(5), idleNanos / 4);
        timer.scheduleAtFixedRate(this::check, period, period, TimeUnit.NANOSECONDS);
    }

    /**
     * Wraps {@code in}; if one read blocks longer than the timeout, {@code onIdle} runs (from the watchdog
     * thread) and the stream is closed. Closing the returned stream ends the watch.
     */
    public InputStream watch(InputStream in, Runnable onIdle) {
        Guarded g = new Guarded(in, onIdle);
        watched.add(g);
        return g;
    }

    /** Streams under watch (for tests: a closed stream must not linger). */
    public int watchedCount() {
        return watched.size();
    }

    private void check() {
        long now = System.nanoTime();
        for (Guarded g : watched) {
            long since = g.readingSince;
            if (since != 0 && now - since > idleNanos) {
                watched.remove(g);
                g.abort();
            }
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }

    private final class Guarded extends FilterInputStream {
        private final Runnable onIdle;
        private volatile long readingSince;

        Guarded(InputStream in, Runnable onIdle) {
            super(in);
            this.onIdle = onIdle;
        }

        @Override
        public int read() throws IOException {
            readingSince = System.nanoTime();
            try {
                return super.read();
            } finally {
                readingSince = 0;
            }
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            readingSince = System.nanoTime();
            try {
                return super.read(b, off, len);
            } finally {
                readingSince = 0;
            }
        }

        @Override
        public void close() throws IOException {
            watched.remove(this);
            super.close();
        }

        void abort() {
            try {
                onIdle.run();
                super.close();
            } catch (IOException | RuntimeException e) {
                // best effort: the blocked reader fails either way once the socket is gone
            }
        }
    }
}
