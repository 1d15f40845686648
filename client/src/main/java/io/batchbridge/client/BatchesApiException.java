package io.batchbridge.client;

import java.time.Duration;
import java.util.Optional;

/**
 * The one failure type of the Message Batches API client: an HTTP error response, a transport failure, or a
 * local guard (open circuit, full bulkhead, exhausted rate limit) refusing the call.
 *
 * <ul>
 *   <li>{@link #status()}: the HTTP status, or {@code 0} when no response was received.
 *   <li>{@link #errorType()}: the API's {@code error.type} ({@code rate_limit_error}, …) or, for status 0 and
 *       non-API failures, one of the client-side constants below.
 *   <li>{@link #retryable()}: the failure is transient; the same call may succeed later. The client already
 *       retried it in process as far as its settings allow, so a caller that sees it should retry later
 *       (e.g. through a retry topic), not in a tight loop.
 *   <li>{@link #outcomeUnknown()}: a {@code create} may have reached the server, so a batch may exist. Retrying
 *       blindly could create a duplicate; the caller decides. Never retried in process.
 * </ul>
 */
public class BatchesApiException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** The connection could not be established or broke before a response arrived. */
    public static final String CONNECTION_ERROR = "connection_error";
    /** No response (headers) within the per-call timeout. */
    public static final String CALL_TIMEOUT = "call_timeout";
    /** A results stream delivered no bytes for the idle-read timeout. */
    public static final String IDLE_TIMEOUT = "idle_timeout";
    /** A results stream broke (connection dropped, truncated file). */
    public static final String STREAM_BROKEN = "stream_broken";
    /** The response could not be understood (not JSON, a result line over the size cap, …). */
    public static final String MALFORMED_RESPONSE = "malformed_response";
    /** The circuit breaker is open: the API failed persistently; callers should pause intake. */
    public static final String CIRCUIT_OPEN = "circuit_open";
    /** Too many concurrent calls from this client (bulkhead full). */
    public static final String BULKHEAD_FULL = "bulkhead_full";
    /** The client's own requests-per-minute limiter had no permit in time. */
    public static final String CLIENT_RATE_LIMITED = "client_rate_limited";
    /** The calling thread was interrupted. */
    public static final String INTERRUPTED = "interrupted";

    private final String operation;
    private final int status;
    private final String errorType;
    private final String requestId;
    private final String apiMessage;
    private final Duration retryAfter;
    private final boolean retryable;
    private final boolean outcomeUnknown;

    public BatchesApiException(
            String operation,
            int status,
            String errorType,
            String message,
            String requestId,
            Duration retryAfter,
            boolean retryable,
            boolean outcomeUnknown,
            Throwable cause) {
        super(describe(operation, status, errorType, message, requestId, outcomeUnknown), cause);
        this.operation = operation;
        this.status = status;
        this.errorType = errorType;
        this.requestId = requestId;
        this.apiMessage = message;
        this.retryAfter = retryAfter;
        this.retryable = retryable;
        this.outcomeUnknown = outcomeUnknown;
    }

    private static String describe(
            String op, int status, String type, String message, String requestId, boolean unknown) {
        StringBuilder sb = new StringBuilder(op).append(" failed: ");
        sb.append(status == 0 ? "no HTTP response" : "HTTP " + status)
                .append(' ')
                .append(type);
        if (message != null && !message.isEmpty()) {
            sb.append(": ").append(message);
        }
        if (requestId != null) {
            sb.append(" (request-id ").append(requestId).append(')');
        }
        if (unknown) {
            sb.append(" — outcome unknown: the batch may have been created; check before retrying");
        }
        return sb.toString();
    }

    /** The client operation: {@code create}, {@code retrieve}, {@code list}, {@code cancel}, {@code delete}, {@code results}. */
    public String operation() {
        return operation;
    }

    public int status() {
        return status;
    }

    public String errorType() {
        return errorType;
    }

    /**
     * The API's {@code error.message} (or a short excerpt of a non-JSON error body; the transport failure for
     * status 0), or null. Server text: echo it through {@code Echo} before showing it.
     */
    public String apiMessage() {
        return apiMessage;
    }

    /** The {@code request-id} response header (or the body's {@code request_id}); null without a response. */
    public String requestId() {
        return requestId;
    }

    /** The server's wait hint from {@code retry-after-ms} or {@code retry-after}. */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }

    public boolean retryable() {
        return retryable;
    }

    public boolean outcomeUnknown() {
        return outcomeUnknown;
    }
}
