package io.batchbridge.common.model;

/**
 * Batch prices in USD per million tokens, and prompt-cache multipliers on the input price. Standard
 * (non-batch) prices are twice the batch prices.
 */
public record Prices(
        double batchInputPerMTok,
        double batchOutputPerMTok,
        double cacheWrite5mMultiplier,
        double cacheWrite1hMultiplier,
        double cacheReadMultiplier) {

    public Prices {
        if (batchInputPerMTok < 0 || batchOutputPerMTok < 0) {
            throw new IllegalArgumentException("prices must not be negative");
        }
    }

    /** Cost in USD of the given usage at batch prices. */
    public double batchCost(TokenUsage u) {
        double perToken = batchInputPerMTok / 1_000_000d;
        double outPerToken = batchOutputPerMTok / 1_000_000d;
        return u.inputTokens() * perToken
                + u.cacheWrite5mTokens() * perToken * cacheWrite5mMultiplier
                + u.cacheWrite1hTokens() * perToken * cacheWrite1hMultiplier
                + u.cacheReadTokens() * perToken * cacheReadMultiplier
                + u.outputTokens() * outPerToken;
    }

    /** What the same usage would cost through the synchronous Messages API (twice the batch price). */
    public double standardCost(TokenUsage u) {
        return 2 * batchCost(u);
    }
}
