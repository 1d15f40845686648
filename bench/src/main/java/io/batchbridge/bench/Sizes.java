package io.batchbridge.bench;

import java.time.Duration;

/** How big each benchmark runs: the full issue sizes, or the quick ones (whole run under 3 minutes on 2 cores). */
record Sizes(
        int smallResults,
        int smallTokens,
        int bigResults,
        int bigTokens,
        int fanoutRuns,
        int intakeRequests,
        long memorySmallMb,
        long memoryBigMb,
        int trackingBatches,
        Duration trackingInterval,
        Duration trackingWindow,
        int latencyRequests,
        Duration latencyGap,
        OpenBench.Size open,
        int scalingBatches,
        int scalingResults,
        CostBench.Size cost) {

    static Sizes full() {
        return new Sizes(
                10_000,
                900,
                300,
                300_000,
                3,
                100_000,
                200,
                2_000,
                10_000,
                Duration.ofSeconds(20),
                Duration.ofSeconds(60),
                300,
                Duration.ofMillis(100),
                new OpenBench.Size(1_000, 100, 1_000, true, Duration.ofSeconds(30)),
                12,
                5_000,
                new CostBench.Size(2_000, 20, 50_000, false));
    }

    static Sizes quick() {
        return new Sizes(
                2_000,
                900,
                30,
                300_000,
                1,
                10_000,
                50,
                200,
                1_000,
                Duration.ofSeconds(5),
                Duration.ofSeconds(20),
                50,
                Duration.ofMillis(100),
                new OpenBench.Size(100, 10, 100, false, Duration.ofSeconds(5)),
                6,
                500,
                new CostBench.Size(400, 20, 5_000, true));
    }
}
