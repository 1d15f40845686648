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
 */
public record ModelInfo(String id, List<String> aliases, int maxTokens, boolean extendedOutput, Prices prices) {

    public ModelInfo {
        aliases = List.copyOf(aliases);
        if (maxTokens < 1) {
            throw new IllegalArgumentException("max_tokens of " + id + " must be at least 1 but was " + maxTokens);
        }
    }

    /** The {@code max_tokens} cap for a batch with or without the extended-output beta. */
    public int maxTokens(boolean extendedBetaPresent, int extendedCap) {
        return extendedBetaPresent && extendedOutput ? Math.max(extendedCap, maxTokens) : maxTokens;
    }
}
