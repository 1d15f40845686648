package io.batchbridge.cli;

import io.batchbridge.common.config.ConfigSources;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * The configuration options every command that talks to Kafka or the API shares. Sources, lowest precedence
 * first: {@code --config} (a Kafka-style properties file), environment variables ({@code BRIDGE_X_Y} sets
 * {@code bridge.x.y}, {@code KAFKA_BOOTSTRAP_SERVERS} sets {@code kafka.bootstrap.servers}), then
 * {@code --bootstrap-servers} and {@code --set key=value}.
 */
final class ConfigOptions {
    @Option(
            names = "--config",
            paramLabel = "<file>",
            description = "Properties file (Kafka style): bridge.* keys, kafka.* client settings, bridge.api.* keys.")
    Path file;

    @Option(
            names = "--bootstrap-servers",
            paramLabel = "<servers>",
            description = "Kafka cluster; sets kafka.bootstrap.servers (default: $KAFKA_BOOTSTRAP_SERVERS).")
    String bootstrapServers;

    @Option(
            names = "--set",
            paramLabel = "<key=value>",
            description = "Sets one configuration key, over the file and the environment (repeatable).")
    Map<String, String> overrides = new LinkedHashMap<>();

    /** Every key from every source, command line winning. */
    Map<String, String> merged(Map<String, String> env) {
        Map<String, String> explicit = new HashMap<>(overrides);
        if (bootstrapServers != null && !bootstrapServers.isBlank()) {
            explicit.put(KafkaSettings.BOOTSTRAP_KEY, bootstrapServers);
        }
        return ConfigSources.merge(file, env, explicit);
    }
}
