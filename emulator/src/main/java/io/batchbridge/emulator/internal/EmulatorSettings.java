package io.batchbridge.emulator.internal;

import io.batchbridge.common.model.ModelCatalogue;
import java.time.Clock;
import java.time.Duration;

/**
 * Everything the emulator's machinery needs, fixed at build time.
 *
 * @param host address to bind
 * @param port port to bind (0 = any free port)
 * @param timeScale simulated seconds per real second
 * @param catalogue models, caps and betas
 * @param seed seed of ids, outcomes and output lengths
 * @param progressiveCounts whether request counters move while the batch is processing
 * @param clock the real clock the simulated one is derived from
 * @param apiKey the only valid key, or null for any non-empty key
 * @param profile outcome and output-length distribution of requests without a directive
 * @param cancelDelay simulated time from a cancel to {@code ended}
 * @param pollRetryAfter {@code retry-after} sent on a retrieve of an unfinished batch, or null for none
 * @param cacheHitRate probability that a request hits a cache prefix an earlier-started request of the same
 *     batch writes ({@link PromptCache})
 */
public record EmulatorSettings(
        String host,
        int port,
        double timeScale,
        ModelCatalogue catalogue,
        long seed,
        boolean progressiveCounts,
        Clock clock,
        String apiKey,
        OutputProfile profile,
        Duration cancelDelay,
        Duration pollRetryAfter,
        double cacheHitRate) {}
