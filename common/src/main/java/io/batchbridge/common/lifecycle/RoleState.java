package io.batchbridge.common.lifecycle;

/** A role's lifecycle, exported as a gauge with these fixed codes. */
public enum RoleState {
    STARTING(0),
    RUNNING(1),
    DRAINING(2),
    STOPPING(3),
    STOPPED(4),
    /** Stopped on an error it cannot recover from (e.g. the API refused the key). */
    FAILED(5);

    private final int code;

    RoleState(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }
}
