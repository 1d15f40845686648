package io.batchbridge.worker.internal;

import java.time.Duration;

/** What a fan-out reports back to the worker, and where tests can step in. */
public interface FanoutHooks {
    /** The fan-out failed transiently; resume from the committed checkpoint after {@code delay}. */
    void retryLater(OpenBatch b, Duration delay);

    /** The batch's last transaction committed (or it was revoked): stop tracking it. */
    void finished(OpenBatch b);

    /** This producer was fenced by another instance with the same transactional id: the worker must stop. */
    void fatal(RuntimeException e);

    /** Called before every commitTransaction (the transaction holds its records); tests use it to simulate a crash. */
    default void beforeCommit(String batchId, boolean last) {}
}
