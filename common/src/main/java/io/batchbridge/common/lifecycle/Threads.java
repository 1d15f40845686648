package io.batchbridge.common.lifecycle;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The roles' threads, named {@code <role>-<what>} ({@code submitter-create-1}, {@code worker-poll}), and the one
 * policy for an error that escapes a loop: it is never lost with a log line. A role's main loop stops the role
 * FAILED with {@link #died}'s sentence as its failure (the runner exits 1, readiness reports the state); a pool
 * thread is replaced and readiness says so meanwhile (the worker's fan-out threads); a timer task is
 * {@link #guarded}: logged, and the timer keeps its thread and its other tasks.
 */
public final class Threads {
    private static final Logger log = LoggerFactory.getLogger(Threads.class);

    private Threads() {}

    /** Daemon threads all named {@code name} (a single-thread executor). */
    public static ThreadFactory daemon(String name) {
        return r -> daemon(name, r);
    }

    /** Daemon threads named {@code name-1}, {@code name-2}, … (a pool). */
    public static ThreadFactory numbered(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> daemon(name + "-" + n.incrementAndGet(), r);
    }

    /** An unstarted daemon thread. */
    public static Thread daemon(String name, Runnable body) {
        Thread t = new Thread(body, name);
        t.setDaemon(true);
        return t;
    }

    /**
     * A timer task whose RuntimeException is logged instead of cancelling a periodic task or vanishing in a future
     * nobody reads; the task runs again at its next turn.
     */
    public static Runnable guarded(String what, Runnable task) {
        return () -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                log.error(
                        "{} failed on {}; it runs again at its next turn",
                        what,
                        Thread.currentThread().getName(),
                        e);
            }
        };
    }

    /**
     * Logs the error that ended a role's loop on this thread and returns the sentence the role stops FAILED with.
     */
    public static String died(String role, Throwable e) {
        String loop = Thread.currentThread().getName();
        log.error("{} died; the {} stops", loop, role, e);
        return "the " + role + "'s loop " + loop + " died on " + e + " (see the log)";
    }
}
