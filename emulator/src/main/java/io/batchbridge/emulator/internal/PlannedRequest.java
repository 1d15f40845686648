package io.batchbridge.emulator.internal;

/**
 * What one request will do, fixed at create time: its outcome if nothing interrupts it, when it finishes
 * (simulated microseconds after the batch's creation; {@link #NEVER} for a request that only expires), and
 * what its result line will say.
 *
 * @param hash deterministic per (seed, batch, custom_id): result order, message id and generated text
 * @param requestId the {@code request_id} of an execution-time error, or null
 * @param asked what the params ask of a succeeded message's shape (thinking, a forced tool, stop sequences)
 * @param inputTokens the uncached part of the input ({@code usage.input_tokens})
 * @param cacheWriteTokens all cache writes ({@code cache_creation_input_tokens}), 5-minute and 1-hour
 * @param startMicros when processing starts (simulated microseconds after the batch's creation): the instant the
 *     prompt cache is read and written
 * @param cacheWrite1hTokens the part of {@code cacheWriteTokens} written with the 1-hour TTL
 */
public record PlannedRequest(
        String customId,
        Outcome outcome,
        String errorType,
        String errorMessage,
        String requestId,
        String model,
        long outputTokens,
        long inputTokens,
        long cacheReadTokens,
        long cacheWriteTokens,
        String stopReason,
        long finishMicros,
        long hash,
        AskedContent asked,
        long startMicros,
        long cacheWrite1hTokens) {

    public static final long NEVER = Long.MAX_VALUE;

    /** A request that does not take part in prompt caching (starts at creation, no 1-hour writes). */
    public PlannedRequest(
            String customId,
            Outcome outcome,
            String errorType,
            String errorMessage,
            String requestId,
            String model,
            long outputTokens,
            long inputTokens,
            long cacheReadTokens,
            long cacheWriteTokens,
            String stopReason,
            long finishMicros,
            long hash,
            AskedContent asked) {
        this(
                customId,
                outcome,
                errorType,
                errorMessage,
                requestId,
                model,
                outputTokens,
                inputTokens,
                cacheReadTokens,
                cacheWriteTokens,
                stopReason,
                finishMicros,
                hash,
                asked,
                0,
                0);
    }

    /** The same plan with its input split by the prompt cache (the total input is unchanged). */
    PlannedRequest withCache(long uncached, long read, long write, long write1h) {
        return new PlannedRequest(
                customId,
                outcome,
                errorType,
                errorMessage,
                requestId,
                model,
                outputTokens,
                uncached,
                read,
                write,
                stopReason,
                finishMicros,
                hash,
                asked,
                startMicros,
                write1h);
    }

    /** 5-minute cache writes ({@code cache_creation.ephemeral_5m_input_tokens}). */
    public long cacheWrite5mTokens() {
        return cacheWriteTokens - cacheWrite1hTokens;
    }
}
