package io.batchbridge.worker.internal;

/**
 * Where one batch is in the worker's lifecycle ({@link BatchLifecycle} is the only one that moves it):
 *
 * <pre>
 * ASSEMBLING ─▶ TRACKING ─▶ DUE ─▶ FANNING_OUT ─▶ COMMITTED
 *      │                     ▲          │
 *      │                     └─ WAITING ◀┘ (a transient failure: resume from the committed checkpoint later)
 *      └─▶ DROPPED (parts that can never make a batch; or already fanned out before: COMMITTED at once)
 * any stage before COMMITTED ─▶ REVOKED (its ticket partition went to another worker, or shutdown)
 * </pre>
 */
public enum BatchStage {
    /** Ticket parts are arriving. */
    ASSEMBLING,
    /** Every part arrived; the tracker polls the API until the batch ends. */
    TRACKING,
    /** Ended (or resuming after a failure): queued for a fan-out thread. */
    DUE,
    /** A fan-out thread streams its results now. */
    FANNING_OUT,
    /** A fan-out failed transiently; the timer makes it due again. */
    WAITING,
    /** Its last transaction committed (terminal). */
    COMMITTED,
    /** Its partition was revoked; whatever runs for it stops at the next line (terminal). */
    REVOKED,
    /** Its parts were skipped (terminal). */
    DROPPED;

    public boolean terminal() {
        return this == COMMITTED || this == REVOKED || this == DROPPED;
    }

    /** Tracked, waiting for or in fan-out. */
    public boolean open() {
        return this == TRACKING || this == DUE || this == FANNING_OUT || this == WAITING;
    }
}
