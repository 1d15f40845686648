package io.batchbridge.chaos;

import java.time.Duration;

/**
 * The size of a chaos run.
 *
 * @param requests requests published (a realistic mix, see {@link ChaosRequests})
 * @param killsPerRole SIGKILLs of the submitter and of the worker each
 * @param brokerRestarts SIGKILL-and-restart of the Kafka broker
 * @param faults emulator fault spec (see docs/emulator.md)
 * @param seed randomness of the mix and the kill schedule; a failing run prints it for replay
 * @param timeout give up waiting for delivery after this long
 */
public record ChaosSettings(
        int requests, int killsPerRole, int brokerRestarts, String faults, long seed, Duration timeout) {

    /** 20 % of API calls fail with 429/500/529; some results downloads are cut mid-stream. */
    public static final String DEFAULT_FAULTS =
            "any:429@1s=0.08,any:500=0.06,any:529@1s=0.06,results:drop_mid_stream@20000=0.15";

    public static ChaosSettings fromSystemProperties() {
        long seed = Long.getLong("chaos.seed", 0L);
        int requests = Integer.getInteger("chaos.requests", 300);
        return new ChaosSettings(
                requests,
                Integer.getInteger("chaos.kills", 3),
                Integer.getInteger("chaos.broker.restarts", 1),
                System.getProperty("chaos.faults", DEFAULT_FAULTS),
                seed == 0 ? System.nanoTime() : seed,
                Duration.ofSeconds(Math.max(180, requests / 10)));
    }
}
