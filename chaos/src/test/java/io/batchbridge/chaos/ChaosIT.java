package io.batchbridge.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The chaos run of the suite in the production topology — three brokers, two submitters, three workers, the
 * emulator, each in its own JVM, default consumer group settings — short (300 requests) but meeting every fault
 * at least once: SIGKILLs of role instances, a zombie frozen past the session timeout and thawed, the broker
 * leading the busiest partitions SIGKILLed (progress must go on on the other two), a random broker restart, a
 * rolling restart of every role instance, and API faults. The long run: {@code mvn -B -pl chaos verify
 * -Pchaos-long}. A failing run prints its seed (replay with {@code -Dchaos.seed=<seed>}) and leaves the logs,
 * the fault log ({@code faults.txt}) and, for lost or duplicated requests, {@code forensics.txt} in
 * {@code target/chaos-<seed>}.
 */
class ChaosIT {

    @Test
    void everyRequestHasExactlyOneTerminalOutcomeDespiteEveryFault() throws Exception {
        ChaosSettings settings = ChaosSettings.fromSystemProperties();
        Path dir = Files.createDirectories(Path.of("target", "chaos-" + settings.seed()));
        // A fail-safe against a hung run, far above what a loaded 2-core machine needs.
        Duration failSafe = Duration.ofMinutes(settings.requests() <= 1_000 ? 20 : 240);

        ChaosRun.Result r = assertTimeoutPreemptively(failSafe, () -> ChaosRun.run(settings, dir));

        System.out.println(r.line());
        assertThat(r.verdict().lost())
                .as("lost (seed %d, logs in %s)", r.seed(), dir)
                .isZero();
        assertThat(r.verdict().duplicates() + r.verdict().unexpected())
                .as("duplicates (seed %d, logs in %s)", r.seed(), dir)
                .isZero();
        assertThat(r.verdict().requests()).isEqualTo(settings.requests());
        assertThat(r.verdict().results() + r.verdict().deadLetters()).isEqualTo(settings.requests());
        assertThat(r.retriesOverLimit())
                .as("retry records beyond the attempt limit")
                .isZero();
        assertThat(r.deadLettersWithoutReason()).isZero();
        assertThat(r.orphans().running())
                .as("batches left running at the API without a ticket (seed %d, logs in %s)", r.seed(), dir)
                .isZero();
        assertThat(r.kills()).isEqualTo(settings.kills());
        assertThat(r.brokerRestarts()).isEqualTo(settings.brokerRestarts());
        assertThat(r.zombies()).isEqualTo(settings.zombies());
        assertThat(r.zombiesExpelled())
                .as("zombies expelled from their group while frozen (see %s/faults.txt)", dir)
                .isEqualTo(r.zombies());
        // A thawed zombie must rejoin its group: no twin of it ever runs, so none may stop as if fenced by one (a
        // zombie's own stale offset commit answered FENCED_INSTANCE_ID now rewinds the submitter's loop).
        assertThat(r.zombiesStoppedFenced())
                .as("zombies that stopped as if fenced (see %s/faults.txt)", dir)
                .isZero();
        assertThat(r.zombiesRejoined())
                .as("zombies that rejoined their group once thawed (see %s/faults.txt)", dir)
                .isEqualTo(r.zombies());
        assertThat(r.leaderKills()).isEqualTo(settings.leaderKills());
        assertThat(r.leaderKillsWithProgress())
                .as("leader kills during which the other brokers made progress (see %s/faults.txt)", dir)
                .isEqualTo(r.leaderKills());
        assertThat(r.rollingRestarts()).isEqualTo(settings.rollingRestarts());
        assertThat(r.apiFaults()).isPositive();
    }
}
