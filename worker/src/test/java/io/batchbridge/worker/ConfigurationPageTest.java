package io.batchbridge.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.batchbridge.common.config.BridgeConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Keeps {@code worker/configuration.md} equal to what {@link WorkerConfig#definition()} renders. */
class ConfigurationPageTest {

    static String render() {
        return "# Worker configuration\n\n"
                + "Generated from `WorkerConfig.definition()` by `ConfigurationPageTest`; times are in milliseconds as "
                + "the key names say. Kafka client settings pass through as `kafka.*`, `kafka.consumer.*` and "
                + "`kafka.producer.*`; API accounts and client settings are `bridge.api.*` (see docs/client.md).\n\n"
                + BridgeConfig.markdown(WorkerConfig.definition());
    }

    @Test
    void theConfigurationPageIsUpToDate() throws Exception {
        Path page = Path.of("configuration.md");
        String expected = render();
        if (Boolean.getBoolean("bridge.docs.regenerate")) {
            Files.writeString(page, expected, StandardCharsets.UTF_8);
        }
        assertThat(Files.exists(page)).as("worker/configuration.md exists").isTrue();
        assertThat(Files.readString(page, StandardCharsets.UTF_8))
                .as("worker/configuration.md is stale: run with -Dbridge.docs.regenerate=true")
                .isEqualTo(expected);
    }
}
