package io.batchbridge.worker;

/** The worker's lifecycle, exported as the gauge {@code bridge.worker.state} with these fixed codes. */
public enum WorkerState {
    STARTING(0),
    RUNNING(1),
    DRAINING(2),
    STOPPING(3),
    STOPPED(4);

    private final int code;

    WorkerState(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }
}
