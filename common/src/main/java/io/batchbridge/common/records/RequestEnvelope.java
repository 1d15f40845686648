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
 * Retry records add {@code attempt}, {@code max_attempts}, {@code not_before}, {@code origin} and
 * {@code last_error}.
 *
 * @param params the raw bytes of {@code params}, exactly as received; never re-serialised
 * @param metadata raw JSON of {@code metadata}, or null
 * @param attempt 1 for a fresh request, n for its n-th submission
 * @param notBefore retry records: not to be resubmitted before this instant; else null
 * @param origin coordinates of the request as first published; null until known (set by intake)
 * @param lastError retry records: the error that caused the retry ({@code type: message}); else null
 * @param maxAttempts the attempt limit the submitter decided when the request first entered
 *     ({@code bridge.submitter.retry.max.attempts}), carried by retry records so that every role obeys the same
 *     one (intake sets it on every request it accepts); 0 when not stated (a request as published, or a retry
 *     record written before the limit was carried)
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
        String lastError,
        int maxAttempts) {

    /** The highest attempt limit there is: {@code max_attempts} and the limit's configuration key stay within it. */
    public static final int ATTEMPT_LIMIT_CEILING = 100;

    public RequestEnvelope {
        betas = betas == null ? List.of() : List.copyOf(betas);
        if (attempt < 1) {
            throw new IllegalArgumentException("attempt must be at least 1 but was " + attempt);
        }
        if (maxAttempts < 0 || maxAttempts > ATTEMPT_LIMIT_CEILING) {
            throw new IllegalArgumentException("maxAttempts must be 0 (not stated) or in [1, " + ATTEMPT_LIMIT_CEILING
                    + "] but was " + maxAttempts);
        }
    }

    /** An envelope that states no attempt limit. */
    public RequestEnvelope(
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
        this(customId, params, replyTo, betas, metadata, account, attempt, notBefore, origin, lastError, 0);
    }

    /** The same request as its next attempt, due at {@code notBefore}, for the retry topic. */
    public RequestEnvelope nextAttempt(Instant due, Coordinates firstSeenAt, String error) {
        return new RequestEnvelope(
                customId, params, replyTo, betas, metadata, account, attempt + 1, due, firstSeenAt, error, maxAttempts);
    }

    public RequestEnvelope withOrigin(Coordinates o) {
        return new RequestEnvelope(
                customId, params, replyTo, betas, metadata, account, attempt, notBefore, o, lastError, maxAttempts);
    }

    /** The same request carrying the attempt limit {@code limit} (1 to {@link #ATTEMPT_LIMIT_CEILING}). */
    public RequestEnvelope withMaxAttempts(int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("an attempt limit must be at least 1 but was " + limit);
        }
        return new RequestEnvelope(
                customId, params, replyTo, betas, metadata, account, attempt, notBefore, origin, lastError, limit);
    }

    @Override
    public String toString() {
        // Never the params: they hold user content (invariant 7).
        return "RequestEnvelope[custom_id=" + customId + ", attempt=" + attempt + ", max_attempts=" + maxAttempts
                + ", origin=" + origin + "]";
    }
}
