package io.batchbridge.common.records;

import java.util.Locale;

/**
 * Why a request can never succeed. The code ({@link #code()}) is what the dead-letter header and metric
 * tag carry; the enum keeps the set bounded.
 */
public enum DeadLetterReason {
    // Intake validation (submitter)
    MALFORMED_JSON,
    MISSING_FIELD,
    INVALID_CUSTOM_ID,
    UNKNOWN_MODEL,
    MAX_TOKENS_OVER_CAP,
    EXTENDED_OUTPUT_NOT_SUPPORTED,
    INVALID_THINKING_BUDGET,
    STREAM_NOT_SUPPORTED,
    UNSUPPORTED_PARAM,
    REPLY_TO_NOT_ALLOWED,
    RECORD_TOO_LARGE,
    UNKNOWN_ACCOUNT,
    /** The account is configured but this request topic may not use it, or records may not choose one. */
    ACCOUNT_NOT_ALLOWED,
    /** {@code reply_to} is a legal, allowed name but no such topic exists (checked with the Admin client). */
    REPLY_TO_UNKNOWN_TOPIC,
    /** A {@code betas} token is not a well-formed beta name (lower-case letters, digits, hyphens). */
    INVALID_BETA,
    /** A well-formed beta the catalogue does not know, with {@code bridge.submitter.betas.reject.unknown}. */
    UNKNOWN_BETA,
    /** {@code params.messages} or {@code params.system} has a shape the API can never accept. */
    INVALID_MESSAGES,
    /**
     * A {@code params} field has a value the API never accepts: sampling out of range, stop sequences that are not
     * strings, a custom tool without a name or schema, an unknown tool choice or thinking type.
     */
    INVALID_PARAM,
    /** An envelope field has the wrong type or size (e.g. {@code betas} not a list of strings). */
    INVALID_FIELD,
    /** The API rejected the request at batch creation (isolated by bisection). */
    REJECTED_BY_API,
    /** The API rejected the lane's {@code anthropic-beta} header at batch creation: every request of the batch. */
    BETA_REJECTED_BY_API,
    /**
     * The request's worst-case cost alone exceeds the deployment's or its tenant's daily spend limit: it can never
     * be created under that limit.
     */
    SPEND_LIMIT_EXCEEDED,
    // Results (worker)
    /** The API answered {@code errored} with a non-transient error type. */
    API_ERROR,
    /** The request was canceled and canceled requests are configured to dead-letter. */
    CANCELED,
    /** Retries used up. */
    ATTEMPTS_EXHAUSTED,
    /** The batch's results can no longer be downloaded (deleted, archived after 29 days, 404). */
    RESULTS_UNAVAILABLE,
    /** A result larger than the output topic accepts. */
    RESULT_TOO_LARGE,
    /** The reply_to topic does not exist or refused the record. */
    OUTPUT_TOPIC_UNAVAILABLE;

    /** Lower-case code, e.g. {@code max_tokens_over_cap}. */
    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static DeadLetterReason fromCode(String code) {
        return valueOf(code.toUpperCase(Locale.ROOT));
    }
}
