package io.batchbridge.common.model;

/**
 * Batch prices in USD per million tokens, and prompt-cache multipliers on the input price. Standard
 * (non-batch) prices are twice the batch prices.
 *
 * @param rates the same prices as exact integers (micro-dollars per million tokens by kind), derived once when the
 *     prices are made; {@link #cost} prices a result with them
 */
public record Prices(
        double batchInputPerMTok,
        double batchOutputPerMTok,
        double cacheWrite5mMultiplier,
        double cacheWrite1hMultiplier,
        double cacheReadMultiplier,
        PriceRates rates) {

    public Prices {
        if (batchInputPerMTok < 0 || batchOutputPerMTok < 0) {
            throw new IllegalArgumentException("prices must not be negative");
        }
    }

    /** Prices whose exact rates are converted from these decimal values (refused if not whole micro-dollars). */
    public Prices(
            double batchInputPerMTok,
            double batchOutputPerMTok,
            double cacheWrite5mMultiplier,
            double cacheWrite1hMultiplier,
            double cacheReadMultiplier) {
        this(
                batchInputPerMTok,
                batchOutputPerMTok,
                cacheWrite5mMultiplier,
                cacheWrite1hMultiplier,
                cacheReadMultiplier,
                PriceRates.of(
                        batchInputPerMTok,
                        batchOutputPerMTok,
                        cacheWrite5mMultiplier,
                        cacheWrite1hMultiplier,
                        cacheReadMultiplier));
    }

    /** The exact cost of a usage in micro-dollars (the ledger's figure; see {@link Cost} for the rounding rule). */
    public Cost cost(TokenUsage u) {
        return rates.cost(u);
    }

    /**
     * Cost in USD of the given usage at batch prices, as a double: an estimate's figure (the spend guard). What a
     * result cost is {@link #cost}, exact in micro-dollars.
     */
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
