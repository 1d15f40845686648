package io.batchbridge.common.records;

import java.time.Instant;
import java.util.List;

/**
 * A generation request as published by a producer, or as carried by a retry record. The shape is the
 * Batches API request item ({@code custom_id} + {@code params}) plus optional routing fields; a plain
 * Batches JSONL line is a valid envelope.
 *
 * <pre>{@code
 * {"custom_id": "order-42", "params": {...Messages API body...},
 *  "reply_to": "team-a.results", "betas": ["..."], "metadata": {...}, "account": "default"}
 * }</pre>
 *
 * Retry records add {@code attempt}, {@code not_before}, {@code origin} and {@code last_error}.
 *
 * @param params the raw bytes of {@code params}, exactly as received; never re-serialised
 * @param metadata raw JSON of {@code metadata}, or null
 * @param attempt 1 for a fresh request, n for its n-th submission
 * @param notBefore retry records: not to be resubmitted before this instant; else null
 * @param origin coordinates of the request as first published; null until known (set by intake)
 * @param lastError retry records: the error that caused the retry ({@code type: message}); else null
 */
public record RequestEnvelope(
        String customId,
        byte[] params,
        String replyTo,
        List<String> betas,
        byte[] metadata,
        String account,
        int attempt,
        Instant notBefore,
        Coordinates origin,
        String lastError) {

    public RequestEnvelope {
        betas = betas == null ? List.of() : List.copyOf(betas);
        if (attempt < 1) {
            throw new IllegalArgumentException("attempt must be at least 1 but was " + attempt);
        }
    }

    /** The same request as its next attempt, due at {@code notBefore}, for the retry topic. */
    public RequestEnvelope nextAttempt(Instant due, Coordinates firstSeenAt, String error) {
        return new RequestEnvelope(
                customId, params, replyTo, betas, metadata, account, attempt + 1, due, firstSeenAt, error);
    }

    public RequestEnvelope withOrigin(Coordinates o) {
        return new RequestEnvelope(
                customId, params, replyTo, betas, metadata, account, attempt, notBefore, o, lastError);
    }

    @Override
    public String toString() {
        // Never the params: they hold user content (invariant 7).
        return "RequestEnvelope[custom_id=" + customId + ", attempt=" + attempt + ", origin=" + origin + "]";
    }
}
