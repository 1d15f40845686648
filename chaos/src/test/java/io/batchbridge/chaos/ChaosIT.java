package io.batchbridge.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The short chaos run of the suite (300 requests, 3 SIGKILLs per role, one broker restart, API faults).
 * The long run: {@code mvn -B -pl chaos verify -Pchaos-long}. A failing run prints its seed; replay with
 * {@code -Dchaos.seed=<seed>}.
 */
@Timeout(600)
class ChaosIT {

    @Test
    void everyRequestHasExactlyOneTerminalOutcomeDespiteKillsRestartsAndApiFaults() throws Exception {
        ChaosSettings settings = ChaosSettings.fromSystemProperties();
        Path dir = Files.createDirectories(Path.of("target", "chaos-" + settings.seed()));

        ChaosRun.Result r = ChaosRun.run(settings, dir);

        System.out.println(r.line());
        assertThat(r.verdict().lost())
                .as("lost (seed %d, logs in %s)", r.seed(), dir)
                .isZero();
        assertThat(r.verdict().duplicates() + r.verdict().unexpected())
                .as("duplicates (seed %d)", r.seed())
                .isZero();
        assertThat(r.verdict().requests()).isEqualTo(settings.requests());
        assertThat(r.verdict().results() + r.verdict().deadLetters()).isEqualTo(settings.requests());
        assertThat(r.retriesOverLimit())
                .as("retry records beyond the attempt limit")
                .isZero();
        assertThat(r.deadLettersWithoutReason()).isZero();
        assertThat(r.kills()).isEqualTo(2 * settings.killsPerRole());
        assertThat(r.brokerRestarts()).isEqualTo(settings.brokerRestarts());
        assertThat(r.apiFaults()).isPositive();
    }
}
