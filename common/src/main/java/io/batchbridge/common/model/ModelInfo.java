package io.batchbridge.common.model;

import java.util.List;

/**
 * One model of the catalogue.
 *
 * @param id canonical model id
 * @param aliases other ids the API accepts for it (e.g. dated snapshots)
 * @param maxTokens standard {@code max_tokens} cap (sync API, and batches without the extended-output beta)
 * @param extendedOutput whether {@code output-300k-2026-03-24} raises the cap for this model in a batch
 * @param prices batch prices and cache multipliers
 * @param contextWindow most input tokens (prompt) a request may have; the emulator refuses larger estimates
 * @param minCacheTokens the shortest prompt prefix (in tokens) prompt caching stores for this model; a shorter
 *     prefix before a {@code cache_control} breakpoint is neither written nor read, without an error
 */
public record ModelInfo(
        String id,
        List<String> aliases,
        int maxTokens,
        boolean extendedOutput,
        Prices prices,
        int contextWindow,
        int minCacheTokens) {

    /** The context window assumed where no source gives one: the standard 200,000 tokens. */
    public static final int STANDARD_CONTEXT_WINDOW = 200_000;
    /** The minimum cacheable prefix assumed where the catalogue gives none (the documented Sonnet/Opus value). */
    public static final int DEFAULT_MIN_CACHE_TOKENS = 1024;

    public ModelInfo {
        aliases = List.copyOf(aliases);
        if (maxTokens < 1) {
            throw new IllegalArgumentException("max_tokens of " + id + " must be at least 1 but was " + maxTokens);
        }
        if (contextWindow < 1) {
            throw new IllegalArgumentException(
                    "context_window of " + id + " must be at least 1 but was " + contextWindow);
        }
        if (minCacheTokens < 1) {
            throw new IllegalArgumentException(
                    "min_cache_tokens of " + id + " must be at least 1 but was " + minCacheTokens);
        }
    }

    /** A model with the default minimum cacheable prefix ({@value #DEFAULT_MIN_CACHE_TOKENS} tokens). */
    public ModelInfo(
            String id, List<String> aliases, int maxTokens, boolean extendedOutput, Prices prices, int contextWindow) {
        this(id, aliases, maxTokens, extendedOutput, prices, contextWindow, DEFAULT_MIN_CACHE_TOKENS);
    }

    /** The {@code max_tokens} cap for a batch with or without the extended-output beta. */
    public int maxTokens(boolean extendedBetaPresent, int extendedCap) {
        return extendedBetaPresent && extendedOutput ? Math.max(extendedCap, maxTokens) : maxTokens;
    }
}
