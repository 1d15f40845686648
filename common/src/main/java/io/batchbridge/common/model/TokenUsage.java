package io.batchbridge.common.model;

/**
 * The billable token counts of one result, as reported in its {@code usage}.
 *
 * @param cacheWrite5mTokens cache writes with the 5-minute TTL (also where the API gives no TTL split)
 * @param cacheWrite1hTokens cache writes with the 1-hour TTL
 */
public record TokenUsage(
        long inputTokens, long outputTokens, long cacheWrite5mTokens, long cacheWrite1hTokens, long cacheReadTokens) {

    public static final TokenUsage ZERO = new TokenUsage(0, 0, 0, 0, 0);

    public TokenUsage plus(TokenUsage o) {
        return new TokenUsage(
                inputTokens + o.inputTokens,
                outputTokens + o.outputTokens,
                cacheWrite5mTokens + o.cacheWrite5mTokens,
                cacheWrite1hTokens + o.cacheWrite1hTokens,
                cacheReadTokens + o.cacheReadTokens);
    }
}
