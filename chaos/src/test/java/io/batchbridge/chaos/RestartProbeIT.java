package io.batchbridge.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The restart measurement ({@code mvn -B -pl chaos verify -Prestart-probe}, not part of the default suite):
 * prints the time from each SIGKILLed role's restart to the next delivered result, and asserts only what holds on
 * any machine — every restart was followed by delivery. The figures are in docs/guarantees.md.
 */
@Timeout(3600)
class RestartProbeIT {

    @Test
    void everyRestartedRoleDeliversAgain() throws Exception {
        int restarts = Integer.getInteger("probe.restarts", 20);
        Path dir = Files.createDirectories(Path.of("target", "restart-probe"));
        List<RestartProbe.Sample> samples = RestartProbe.run(restarts, dir);
        List<Long> sorted =
                samples.stream().map(RestartProbe.Sample::millis).sorted().toList();
        System.out.printf(
                "restart probe: restarts=%d p50_ms=%d max_ms=%d samples=%s%n",
                samples.size(), sorted.get(sorted.size() / 2), sorted.get(sorted.size() - 1), samples);
        assertThat(samples).hasSize(restarts);
        assertThat(samples).allSatisfy(s -> assertThat(s.millis()).as(s.role()).isNotNegative());
    }
}
