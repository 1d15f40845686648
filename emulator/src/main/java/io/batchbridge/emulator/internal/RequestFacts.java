package io.batchbridge.emulator.internal;

/**
 * The small facts kept of one request at create time; the request's {@code params} themselves are not kept.
 *
 * @param customId the request's {@code custom_id}
 * @param model {@code params.model}, or null when missing
 * @param modelInvalid {@code model} present but not a string
 * @param maxTokens {@code params.max_tokens}, or null when missing
 * @param maxTokensInvalid {@code max_tokens} present but not an integer
 * @param stream {@code params.stream} is {@code true}
 * @param messages {@code params.messages}: 0 missing, 1 a list, 2 present but not a list
 * @param directive the {@code #emulate} directive of the last user message, or null
 * @param paramsBytes size of {@code params} in bytes (input tokens are estimated at 4 bytes each)
 * @param invalid the first structural problem of the params (deferred validation message), or null
 * @param asked what the params ask of the answer's shape
 */
public record RequestFacts(
        String customId,
        String model,
        boolean modelInvalid,
        Long maxTokens,
        boolean maxTokensInvalid,
        boolean stream,
        int messages,
        Directive directive,
        long paramsBytes,
        String invalid,
        AskedContent asked) {

    /** Estimated input tokens: params bytes / 4, at least 1 (the same figure {@code usage.input_tokens} reports). */
    public long estimatedInputTokens() {
        return Math.max(1, paramsBytes / 4);
    }

    /** The same facts under another custom_id. */
    RequestFacts withCustomId(String id) {
        return new RequestFacts(
                id,
                model,
                modelInvalid,
                maxTokens,
                maxTokensInvalid,
                stream,
                messages,
                directive,
                paramsBytes,
                invalid,
                asked);
    }
}
