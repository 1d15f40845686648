package io.batchbridge.common.lifecycle;

import io.batchbridge.common.http.ReadinessCheck;
import java.time.Duration;
import java.util.List;

/**
 * What every role (submitter, worker) is to whatever runs it — the CLI runner, the demo, the bench and the tests:
 * a lifecycle ({@link #start()}, {@link #close(Duration)}, {@link #abort()}), its {@link RoleState}, why it stopped
 * by itself, and the facts {@code /health/ready} reads. Every method but {@code start} and the closes must be cheap
 * and thread-safe (probes call them on the ops server's threads).
 */
public interface Role extends AutoCloseable {
    /** {@code submitter} or {@code worker}: thread names, log lines and exit messages start with it. */
    String name();

    /** Starts the role's threads; calling it again on a started role does nothing. */
    Role start();

    RoleState state();

    /** True once the role's loop has ended, whatever the reason. */
    default boolean stopped() {
        RoleState s = state();
        return s == RoleState.STOPPED || s == RoleState.FAILED;
    }

    /**
     * Why the role stopped by itself (e.g. the API refused the key, another instance took this id, its loop died),
     * or null while it runs or after a stop on request.
     */
    String failure();

    /**
     * True while the role's group consumer holds its assignment (possibly empty when there are more instances than
     * partitions); false before the first assignment and during a rebalance.
     */
    boolean assignmentSettled();

    /**
     * The role's own readiness conditions beyond its state, Kafka, the assignment and the API circuits (which
     * every role shares), e.g. the submitter's spend guard or the worker's fan-out threads.
     */
    List<ReadinessCheck> readiness();

    /** Stops on request: drains what it can within {@code timeout}, then closes its clients. */
    void close(Duration timeout);

    /**
     * Stops at once as a crash would: nothing drained or committed, the group not left; the next owner reads again
     * what was in flight. For tests of the crash windows.
     */
    void abort();

    @Override
    default void close() {
        close(Duration.ofSeconds(30));
    }
}
