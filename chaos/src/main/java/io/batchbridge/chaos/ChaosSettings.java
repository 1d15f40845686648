package io.batchbridge.chaos;

import java.time.Duration;

/**
 * The size of a chaos run.
 *
 * @param requests requests published (a realistic mix, see {@link ChaosRequests})
 * @param brokers Kafka brokers, each in its own JVM (3: topics get replication factor 3, min ISR 2)
 * @param submitters submitter instances, each in its own JVM with its own instance id
 * @param workers worker instances, each in its own JVM with its own instance id
 * @param killsPerRole SIGKILLs of a random submitter and of a random worker, each
 * @param brokerRestarts SIGKILL-and-restart of a random broker
 * @param zombies role instances frozen (SIGSTOP) for {@code zombieFreeze}, then thawed (SIGCONT)
 * @param zombieFreeze how long a zombie stays frozen: past the consumer's default session timeout (45 s)
 * @param leaderKills SIGKILLs of the broker leading the most request and batch partitions, kept down a while
 * @param rollingRestarts rolling restarts of every role instance (SIGTERM one at a time, restart, await ready)
 * @param window the stretch over which faults are scheduled and requests published
 * @param faults emulator fault spec (see docs/emulator.md)
 * @param seed randomness of the mix and the fault schedule; a failing run prints it for replay
 * @param timeout give up waiting for delivery after this long (a fail-safe, not a speed requirement)
 */
public record ChaosSettings(
        int requests,
        int brokers,
        int submitters,
        int workers,
        int killsPerRole,
        int brokerRestarts,
        int zombies,
        Duration zombieFreeze,
        int leaderKills,
        int rollingRestarts,
        Duration window,
        String faults,
        long seed,
        Duration timeout) {

    /**
     * 20 % of API calls fail with 429/500/529; some results downloads are cut mid-stream; some creates are accepted
     * but their answer is cut (an unknown outcome whose batch exists: an orphan the submitter must cancel).
     */
    public static final String DEFAULT_FAULTS = "any:429@1s=0.08,any:500=0.06,any:529@1s=0.06,"
            + "results:drop_mid_stream@20000=0.15,create:drop_mid_stream@10=0.1";

    public static ChaosSettings fromSystemProperties() {
        long seed = Long.getLong("chaos.seed", 0L);
        int requests = Integer.getInteger("chaos.requests", 300);
        return new ChaosSettings(
                requests,
                Integer.getInteger("chaos.brokers", 3),
                Integer.getInteger("chaos.submitters", 2),
                Integer.getInteger("chaos.workers", 3),
                Integer.getInteger("chaos.kills", 3),
                Integer.getInteger("chaos.broker.restarts", 1),
                Integer.getInteger("chaos.zombies", 1),
                Duration.ofSeconds(Integer.getInteger("chaos.zombie.freeze.s", 50)),
                Integer.getInteger("chaos.leader.kills", 1),
                Integer.getInteger("chaos.rolling.restarts", 1),
                Duration.ofSeconds(Integer.getInteger("chaos.window.s", Math.max(120, requests * 3 / 100))),
                System.getProperty("chaos.faults", DEFAULT_FAULTS),
                seed == 0 ? System.nanoTime() : seed,
                Duration.ofSeconds(Math.max(300, requests / 10)));
    }

    /** Role SIGKILLs in all: {@link #killsPerRole} of the submitters and as many of the workers. */
    public int kills() {
        return 2 * killsPerRole;
    }
}
