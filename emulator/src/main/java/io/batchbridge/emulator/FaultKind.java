package io.batchbridge.emulator;

import java.util.Locale;

/**
 * What an injected fault does. The {@code HTTP_*} kinds answer with that status and the API's error body
 * ({@code HTTP_429} also sends {@code retry-after}); {@link #SLOW} delays the normal answer; {@link
 * #DROP_CONNECTION} closes the socket without a response; {@link #DROP_MID_STREAM} sends the headers and some
 * bytes of the body, then cuts the connection.
 */
public enum FaultKind {
    HTTP_429(429, "rate_limit_error", "Number of requests has exceeded your rate limit. Please try again later."),
    HTTP_500(500, "api_error", "Internal server error"),
    HTTP_529(529, "overloaded_error", "Overloaded"),
    HTTP_401(401, "authentication_error", "invalid x-api-key"),
    SLOW(0, null, null),
    DROP_CONNECTION(0, null, null),
    DROP_MID_STREAM(0, null, null),
    HTTP_400(400, "invalid_request_error", "Emulated invalid request"),
    HTTP_404(404, "not_found_error", "Not found"),
    HTTP_409(409, "conflict_error", "Conflict: the resource was modified concurrently. Please retry."),
    HTTP_413(413, "request_too_large", "Request exceeds the maximum allowed number of bytes.");

    private final int status;
    private final String errorType;
    private final String message;

    FaultKind(int status, String errorType, String message) {
        this.status = status;
        this.errorType = errorType;
        this.message = message;
    }

    /** The HTTP status this kind answers with, or 0 when it is not a status fault. */
    public int status() {
        return status;
    }

    /** The {@code error.type} of the body, or null when it is not a status fault. */
    public String errorType() {
        return errorType;
    }

    /** The {@code error.message} of the body, or null when it is not a status fault. */
    public String message() {
        return message;
    }

    /** Whether this kind answers with an error status. */
    public boolean isStatus() {
        return status != 0;
    }

    /** The kind answering with this HTTP status. */
    public static FaultKind forStatus(int httpStatus) {
        for (FaultKind k : values()) {
            if (k.status == httpStatus) {
                return k;
            }
        }
        throw new IllegalArgumentException(
                "no status fault for HTTP " + httpStatus + " (supported: 400, 401, 404, 409, 413, 429, 500, 529)");
    }

    /** The spec name: the status number for status kinds, else {@code slow}, {@code drop}, {@code drop_mid_stream}. */
    public String specName() {
        if (isStatus()) {
            return Integer.toString(status);
        }
        return this == DROP_CONNECTION ? "drop" : name().toLowerCase(Locale.ROOT);
    }

    /** Parses a spec name ({@code 429}, {@code slow}, {@code drop}, {@code drop_connection}, …). */
    public static FaultKind fromSpec(String name) {
        String n = name.trim().toLowerCase(Locale.ROOT);
        for (FaultKind k : values()) {
            if (k.specName().equals(n) || k.name().toLowerCase(Locale.ROOT).equals(n)) {
                return k;
            }
        }
        throw new IllegalArgumentException("unknown fault kind '" + name + "'");
    }
}
