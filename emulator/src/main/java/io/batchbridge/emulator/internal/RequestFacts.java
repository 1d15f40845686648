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
 * @param promptBytes bytes of the prompt sections ({@code tools}, {@code system}, {@code messages}): input tokens
 *     are these bytes / 4, in usage and in count_tokens alike
 * @param cachePoints the prompt's cache breakpoints, shortest prefix first
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
        AskedContent asked,
        long promptBytes,
        java.util.List<CachePoint> cachePoints) {

    public RequestFacts {
        cachePoints = java.util.List.copyOf(cachePoints);
    }

    /**
     * Estimated input tokens: the prompt's bytes / 4, at least 1 — the total input the result's usage reports
     * ({@code input_tokens} + cache writes + cache reads) and what count_tokens answers.
     */
    public long estimatedInputTokens() {
        return Math.max(1, promptBytes / 4);
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
                asked,
                promptBytes,
                cachePoints);
    }
}
