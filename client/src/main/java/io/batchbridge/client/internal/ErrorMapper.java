package io.batchbridge.client.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.batchbridge.client.BatchesApiException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpHeaders;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;

/**
 * The one classifier of API failures: turns an error response or a transport exception into a
 * {@link BatchesApiException} and decides whether it is transient and whether a create's outcome is unknown.
 *
 * <p>Status rule (as the official SDKs): {@code x-should-retry} wins; else 408, 409, 429 and every 5xx
 * (incl. 529) are transient, other 4xx are not. A {@code create} is only repeatable when the request
 * provably did not create a batch: the connection was refused or never established, or the server answered
 * with a rejection that happens before processing (408, 409, 429, 503, 529, or {@code x-should-retry: true}).
 * Any other failure of a create after the connection was up (a timeout, a dropped connection, a 500, 502,
 * 504) may have created the batch: it is reported as outcome-unknown and not retried.
 */
public final class ErrorMapper {
    public static final String CREATE = "create";
    private static final Set<Integer> CREATE_REJECTIONS = Set.of(408, 409, 429, 503, 529);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Clock clock;

    public ErrorMapper(Clock clock) {
        this.clock = clock;
    }

    /** Maps a non-2xx response; {@code body} is at most a bounded prefix of the response body. */
    public BatchesApiException fromResponse(String op, int status, HttpHeaders headers, byte[] body) {
        String type = defaultType(status);
        String message = null;
        String requestId = headers.firstValue("request-id").orElse(null);
        try {
            JsonNode root = JSON.readTree(body);
            JsonNode error = root == null ? null : root.path("error");
            if (error != null && error.isObject()) {
                type = error.path("type").asText(type);
                message = error.path("message").asText(null);
            }
            if (requestId == null && root != null && root.path("request_id").isTextual()) {
                requestId = root.path("request_id").asText();
            }
        } catch (IOException | RuntimeException notJson) {
            // e.g. a 413 from the edge proxy: keep a short, non-JSON excerpt as the message
            message = excerpt(body);
        }
        Optional<Boolean> shouldRetry =
                headers.firstValue("x-should-retry").map(v -> v.trim().equalsIgnoreCase("true"));
        boolean transientStatus = shouldRetry.orElse(status == 408 || status == 409 || status == 429 || status >= 500);
        boolean create = CREATE.equals(op);
        boolean rejectedBeforeProcessing = CREATE_REJECTIONS.contains(status) || shouldRetry.orElse(false);
        boolean unknown = create && status >= 500 && !rejectedBeforeProcessing;
        boolean retryable = transientStatus && !unknown;
        Duration retryAfter = RetryAfter.from(headers, clock).orElse(null);
        return new BatchesApiException(op, status, type, message, requestId, retryAfter, retryable, unknown, null);
    }

    /** Maps a transport failure (no response). */
    public BatchesApiException fromIo(String op, IOException e) {
        boolean neverConnected = e instanceof ConnectException || e instanceof HttpConnectTimeoutException;
        String type = !neverConnected && e instanceof HttpTimeoutException
                ? BatchesApiException.CALL_TIMEOUT
                : BatchesApiException.CONNECTION_ERROR;
        boolean unknown = CREATE.equals(op) && !neverConnected;
        String message = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
        return new BatchesApiException(op, 0, type, message, null, null, !unknown, unknown, e);
    }

    /** A failure of the client itself that is not transient (e.g. an unparsable 2xx body). */
    public static BatchesApiException malformed(
            String op, int status, String requestId, String message, Throwable cause) {
        return new BatchesApiException(
                op, status, BatchesApiException.MALFORMED_RESPONSE, message, requestId, null, false, false, cause);
    }

    /** The error type the API documents for a status, used when the body does not say. */
    static String defaultType(int status) {
        return switch (status) {
            case 400 -> "invalid_request_error";
            case 401 -> "authentication_error";
            case 402 -> "billing_error";
            case 403 -> "permission_error";
            case 404 -> "not_found_error";
            case 409 -> "conflict_error";
            case 413 -> "request_too_large";
            case 429 -> "rate_limit_error";
            case 504 -> "timeout_error";
            case 529 -> "overloaded_error";
            default -> status >= 500 ? "api_error" : "http_" + status;
        };
    }

    private static String excerpt(byte[] body) {
        String s = new String(body, 0, Math.min(body.length, 200), StandardCharsets.UTF_8).strip();
        return s.isEmpty() ? null : s.replaceAll("\\s+", " ");
    }
}
