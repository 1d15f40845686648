package io.batchbridge.common.config;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * Where configuration comes from, lowest precedence first: a Kafka-style properties file, then
 * environment variables ({@code BRIDGE_SUBMITTER_LINGER_MS} sets {@code bridge.submitter.linger.ms};
 * {@code KAFKA_BOOTSTRAP_SERVERS} sets {@code kafka.bootstrap.servers}), then explicit overrides (command
 * line). Values are passed on as given: validation happens once, in {@link BridgeConfig}.
 */
public final class ConfigSources {
    private ConfigSources() {}

    public static Map<String, String> merge(Path file, Map<String, String> env, Map<String, String> overrides) {
        Map<String, String> merged = new HashMap<>();
        if (file != null) {
            merged.putAll(readProperties(file));
        }
        merged.putAll(fromEnvironment(env));
        merged.putAll(overrides);
        return merged;
    }

    /** {@code BRIDGE_X_Y} → {@code bridge.x.y}; {@code KAFKA_BOOTSTRAP_SERVERS} → {@code kafka.bootstrap.servers}. */
    public static Map<String, String> fromEnvironment(Map<String, String> env) {
        Map<String, String> out = new HashMap<>();
        env.forEach((k, v) -> {
            if (k.startsWith("BRIDGE_") && k.length() > "BRIDGE_".length()) {
                out.put(k.toLowerCase(Locale.ROOT).replace('_', '.'), v);
            }
        });
        String bootstrap = env.get("KAFKA_BOOTSTRAP_SERVERS");
        if (bootstrap != null && !bootstrap.isBlank()) {
            out.put("kafka.bootstrap.servers", bootstrap);
        }
        return out;
    }

    public static Map<String, String> readProperties(Path file) {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the configuration file " + file, e);
        }
        Map<String, String> out = new HashMap<>();
        p.stringPropertyNames().forEach(k -> out.put(k, p.getProperty(k)));
        return out;
    }

    /** Kafka client settings given under a prefix ({@code kafka.}), with the prefix removed. */
    public static Map<String, Object> withPrefix(Map<String, String> all, String prefix) {
        Map<String, Object> out = new HashMap<>();
        all.forEach((k, v) -> {
            if (k.startsWith(prefix)) {
                out.put(k.substring(prefix.length()), v);
            }
        });
        return out;
    }
}
