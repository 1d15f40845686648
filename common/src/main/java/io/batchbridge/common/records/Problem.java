package io.batchbridge.common.records;

/** A reason code with the human sentence that explains it for one record. */
public record Problem(DeadLetterReason reason, String message) {
    @Override
    public String toString() {
        return reason.code() + ": " + message;
    }
}
