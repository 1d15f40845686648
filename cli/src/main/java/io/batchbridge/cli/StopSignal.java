package io.batchbridge.cli;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * How a foreground command learns it should stop: SIGTERM / Ctrl-C (through a shutdown hook) or
 * {@link #request()} (tests, in-process callers). The hook waits until the command reports it has finished
 * cleaning up ({@link #close()}), so the JVM does not exit in the middle of a drain.
 */
final class StopSignal implements AutoCloseable {
    private final CountDownLatch requested = new CountDownLatch(1);
    private final CountDownLatch finished = new CountDownLatch(1);
    private Thread hook;

    /** Installs the shutdown hook; it waits for {@link #close()} at most {@code grace}. */
    synchronized StopSignal arm(String name, Duration grace) {
        hook = new Thread(
                () -> {
                    requested.countDown();
                    try {
                        finished.await(grace.toMillis(), TimeUnit.MILLISECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                },
                name + "-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        return this;
    }

    void request() {
        requested.countDown();
    }

    boolean isRequested() {
        return requested.getCount() == 0;
    }

    /** Waits for a stop request; true when one came within {@code timeout}. */
    boolean await(Duration timeout) throws InterruptedException {
        return requested.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    void await() throws InterruptedException {
        requested.await();
    }

    /** Cleanup is done: releases a waiting shutdown hook, or removes the hook when nobody signalled. */
    @Override
    public synchronized void close() {
        finished.countDown();
        if (hook != null) {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // the JVM is already shutting down: the hook is running and has just been released
            }
            hook = null;
        }
    }
}
