package io.batchbridge.worker.internal;

/** What a fan-out reports to the worker beyond its batch's lifecycle, and where tests can step in. */
public interface FanoutHooks {
    /** This producer was fenced by another instance with the same transactional id: the worker must stop. */
    void fatal(RuntimeException e);

    /** Called before every commitTransaction (the transaction holds its records); tests use it to simulate a crash. */
    default void beforeCommit(String batchId, boolean last) {}
}
