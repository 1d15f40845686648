package io.batchbridge.cli;

import java.time.Duration;
import java.util.Map;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Options of {@code bridge submitter} and {@code bridge worker}: configuration sources and the drain time. */
final class RoleOptions {
    @Mixin
    ConfigOptions config = new ConfigOptions();

    @Option(
            names = "--drain-timeout-ms",
            paramLabel = "<ms>",
            defaultValue = "30000",
            description = "On SIGTERM, how long the role may drain before it stops (default: ${DEFAULT-VALUE}).")
    long drainTimeoutMs;

    /** The environment configuration is read from; tests replace it. */
    Map<String, String> env = System.getenv();

    Map<String, String> merged() {
        return config.merged(env);
    }

    Duration drain() {
        return Duration.ofMillis(drainTimeoutMs);
    }
}
