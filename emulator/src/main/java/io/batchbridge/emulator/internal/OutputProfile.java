package io.batchbridge.emulator.internal;

/**
 * How requests without a directive turn out, drawn from a hash of (seed, batch id, custom_id).
 *
 * @param errorRate fraction that end {@code errored} (alternately {@code overloaded_error} / {@code api_error})
 * @param expireRate fraction that never finish and end {@code expired}
 * @param minOutputTokens smallest generated output (clamped to {@code max_tokens})
 * @param maxOutputTokens largest generated output (clamped to {@code max_tokens})
 * @param tokensPerSecond simulated generation speed; 300,000 tokens at 80/s take about an hour
 * @param maxQueueSeconds each request starts after a deterministic wait of up to this many simulated seconds
 */
public record OutputProfile(
        double errorRate,
        double expireRate,
        int minOutputTokens,
        int maxOutputTokens,
        double tokensPerSecond,
        double maxQueueSeconds) {

    public static final OutputProfile DEFAULT = new OutputProfile(0, 0, 20, 600, 80, 10);

    public OutputProfile {
        if (errorRate < 0 || expireRate < 0 || errorRate + expireRate > 1) {
            throw new IllegalArgumentException("error and expire rates must be >= 0 and sum to at most 1");
        }
        if (minOutputTokens < 1 || maxOutputTokens < minOutputTokens) {
            throw new IllegalArgumentException("output tokens must satisfy 1 <= min <= max");
        }
        if (!(tokensPerSecond > 0) || maxQueueSeconds < 0) {
            throw new IllegalArgumentException("tokensPerSecond must be > 0 and maxQueueSeconds >= 0");
        }
    }
}
