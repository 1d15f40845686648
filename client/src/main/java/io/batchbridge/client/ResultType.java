package io.batchbridge.client;

/** The {@code result.type} of a results line; {@link #UNKNOWN} for a value this client does not know yet. */
public enum ResultType {
    SUCCEEDED,
    ERRORED,
    CANCELED,
    EXPIRED,
    UNKNOWN;

    /** Maps the wire value ({@code "succeeded"}, …); null or unrecognised values map to {@link #UNKNOWN}. */
    public static ResultType fromWire(String value) {
        if (value == null) {
            return UNKNOWN;
        }
        return switch (value) {
            case "succeeded" -> SUCCEEDED;
            case "errored" -> ERRORED;
            case "canceled" -> CANCELED;
            case "expired" -> EXPIRED;
            default -> UNKNOWN;
        };
    }
}
