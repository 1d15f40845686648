package io.batchbridge.common.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BridgeConfigTest {
    static final ConfigDef DEF = new ConfigDef()
            .define(
                    "bridge.test.linger.ms",
                    ConfigDef.Type.LONG,
                    30_000L,
                    ConfigDef.Range.between(0, 3_600_000),
                    ConfigDef.Importance.HIGH,
                    "How long a lane waits.")
            .define(
                    "bridge.test.max.batch.requests",
                    ConfigDef.Type.INT,
                    10_000,
                    ConfigDef.Range.between(1, 100_000),
                    ConfigDef.Importance.HIGH,
                    "Requests per batch.");

    static final class TestConfig extends BridgeConfig {
        TestConfig(Map<String, String> v) {
            super(DEF, v);
        }
    }

    @Test
    void everyInvalidKeyIsReportedAtOnceWithKeyRuleAndValue() {
        assertThatThrownBy(() -> new TestConfig(
                        Map.of("bridge.test.linger.ms", "-1", "bridge.test.max.batch.requests", "250000")))
                .isInstanceOf(BridgeConfig.InvalidConfigurationException.class)
                .satisfies(e -> assertThat(((BridgeConfig.InvalidConfigurationException) e).errors())
                        .hasSize(2)
                        .anySatisfy(m -> assertThat(m)
                                .contains("bridge.test.max.batch.requests")
                                .contains("250000")
                                .contains("100000")));
    }

    @Test
    void environmentOverridesTheFileAndCommandLineOverridesTheEnvironment(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("bridge.properties");
        Files.writeString(
                file, "bridge.test.linger.ms=1000\nbridge.test.max.batch.requests=5\nkafka.security.protocol=SSL\n");

        Map<String, String> merged = ConfigSources.merge(
                file,
                Map.of("BRIDGE_TEST_LINGER_MS", "2000", "KAFKA_BOOTSTRAP_SERVERS", "k:9092", "HOME", "/root"),
                Map.of("bridge.test.max.batch.requests", "7"));
        TestConfig config = new TestConfig(merged);

        assertThat(config.getDuration("bridge.test.linger.ms")).isEqualTo(Duration.ofSeconds(2));
        assertThat(config.getInt("bridge.test.max.batch.requests")).isEqualTo(7);
        assertThat(config.kafkaSettings("producer"))
                .containsEntry("bootstrap.servers", "k:9092")
                .containsEntry("security.protocol", "SSL");
    }

    @Test
    void roleSpecificKafkaSettingsWinForThatClientOnly() {
        TestConfig config = new TestConfig(Map.of("kafka.linger.ms", "5", "kafka.producer.linger.ms", "50"));

        assertThat(config.kafkaSettings("producer")).containsEntry("linger.ms", "50");
        assertThat(config.kafkaSettings("consumer"))
                .containsEntry("linger.ms", "5")
                .doesNotContainKey("producer.linger.ms");
    }

    @Test
    void markdownListsEveryKeyWithDefaultAndRange() {
        String md = BridgeConfig.markdown(DEF);

        assertThat(md)
                .contains(
                        "| `bridge.test.linger.ms` | long | `30000` | [0,...,3600000] | high | How long a lane waits. |");
        assertThat(md).contains("`bridge.test.max.batch.requests`");
    }
}
