package io.batchbridge.cli;

import io.batchbridge.common.topics.TopicNames;
import io.batchbridge.emulator.Emulator;
import io.batchbridge.kafka.embedded.KafkaCluster;
import io.batchbridge.kafka.embedded.KafkaClusterExtension;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Topics, environment and arguments for running the roles through the command line in tests. */
final class RoleFixtures {
    private RoleFixtures() {}

    /** Unique topics, created through {@code bridge topics create}. */
    static TopicNames provision(KafkaCluster cluster, String name) {
        String prefix = KafkaClusterExtension.uniqueTopic(name) + ".";
        Cli.Result r = Cli.exec(
                "topics",
                "create",
                "--bootstrap-servers",
                cluster.bootstrapServers(),
                "--prefix",
                prefix,
                "--partitions",
                "2");
        if (r.exitCode() != 0) {
            throw new IllegalStateException("topics create failed: " + r.out() + r.err());
        }
        return TopicNames.withPrefix(prefix);
    }

    /** The environment a deployment would set: the API account and fast client settings. */
    static Map<String, String> env(Emulator emulator) {
        return Map.of(
                "ANTHROPIC_API_KEY", "test-key",
                "ANTHROPIC_BASE_URL", emulator.baseUrl(),
                "BRIDGE_API_MAX_RETRIES", "1",
                "BRIDGE_API_RETRY_INITIAL_BACKOFF_MS", "10",
                "BRIDGE_API_RETRY_MAX_BACKOFF_MS", "20");
    }

    /** {@code <role> --bootstrap-servers … [--config file] --set bridge.topics.…=… …}. */
    static String[] args(String role, KafkaCluster cluster, TopicNames topics, Path config, String... sets) {
        List<String> a = new ArrayList<>(List.of(role, "--bootstrap-servers", cluster.bootstrapServers()));
        if (config != null) {
            a.addAll(List.of("--config", config.toString()));
        } else {
            set(a, "bridge.topics.requests=" + topics.requests().get(0));
        }
        set(a, "bridge.topics.batches=" + topics.batches());
        set(a, "bridge.topics.results=" + topics.results());
        set(a, "bridge.topics.retry=" + topics.retry());
        set(a, "bridge.topics.dlq=" + topics.dlq());
        set(a, "bridge.topics.batch.events=" + topics.batchEvents());
        set(a, "bridge.topics.checkpoints=" + topics.checkpoints());
        set(a, "bridge.topics.intents=" + topics.intents());
        set(a, "bridge.topics.spend=" + topics.spend());
        set(a, "bridge.http.port=0"); // a free port: tests and builds run side by side
        for (String s : sets) {
            set(a, s);
        }
        a.add("--drain-timeout-ms=10000");
        return a.toArray(String[]::new);
    }

    private static void set(List<String> a, String keyValue) {
        a.add("--set");
        a.add(keyValue);
    }

    static String request(String customId) {
        return "{\"custom_id\":\"" + customId + "\",\"params\":{\"model\":\"claude-haiku-4-5\",\"max_tokens\":100,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"hi #emulate output_tokens=9 duration=2s\"}]}}";
    }
}
