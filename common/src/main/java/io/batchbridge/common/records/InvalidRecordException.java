package io.batchbridge.common.records;

/** A record that can never become a valid request; carries its dead-letter reason. */
public final class InvalidRecordException extends Exception {
    private final transient Problem problem;
    private final String customId;

    public InvalidRecordException(DeadLetterReason reason, String message, String customId) {
        super(reason.code() + ": " + message, null, false, false);
        this.problem = new Problem(reason, message);
        this.customId = customId;
    }

    public Problem problem() {
        return problem;
    }

    /** The user's {@code custom_id} when it could be read, else null. */
    public String customId() {
        return customId;
    }
}
