package io.batchbridge.client;

import io.batchbridge.common.model.TokenUsage;

/**
 * The token counts of a succeeded result's {@code message.usage}; absent or null counts are zero.
 *
 * @param cacheCreationInputTokens {@code cache_creation_input_tokens}, all cache writes
 * @param cacheCreation5m {@code cache_creation.ephemeral_5m_input_tokens}
 * @param cacheCreation1h {@code cache_creation.ephemeral_1h_input_tokens}
 */
public record Usage(
        long inputTokens,
        long outputTokens,
        long cacheCreationInputTokens,
        long cacheCreation5m,
        long cacheCreation1h,
        long cacheReadInputTokens) {

    public static final Usage ZERO = new Usage(0, 0, 0, 0, 0, 0);

    /**
     * The billable view. Cache writes with no TTL split (older responses, or a split of zeros beside a
     * non-zero total) count as 5-minute writes, the API's default TTL.
     */
    public TokenUsage toTokenUsage() {
        boolean split = cacheCreation5m + cacheCreation1h > 0;
        long write5m = split ? cacheCreation5m : cacheCreationInputTokens;
        long write1h = split ? cacheCreation1h : 0;
        return new TokenUsage(inputTokens, outputTokens, write5m, write1h, cacheReadInputTokens);
    }
}
