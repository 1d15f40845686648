package io.batchbridge.emulator.internal;

/**
 * What one request will do, fixed at create time: its outcome if nothing interrupts it, when it finishes
 * (simulated microseconds after the batch's creation; {@link #NEVER} for a request that only expires), and
 * what its result line will say.
 *
 * @param hash deterministic per (seed, batch, custom_id): result order, message id and generated text
 * @param requestId the {@code request_id} of an execution-time error, or null
 * @param asked what the params ask of a succeeded message's shape (thinking, a forced tool, stop sequences)
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
        AskedContent asked) {

    public static final long NEVER = Long.MAX_VALUE;
}
