package io.batchbridge.cli;

import io.batchbridge.common.config.ConfigSources;
import io.batchbridge.common.kafka.KafkaClientDefaults;
import io.batchbridge.common.topics.TopicNames;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;

/**
 * Kafka client settings for the tool commands (produce, tail, dlq): {@link KafkaClientDefaults} (large
 * records, zstd, read_committed), then the user's {@code kafka.*} keys, then {@code kafka.<kind>.*} keys,
 * so SASL/SSL and tuning work as in any Kafka client.
 */
final class KafkaSettings {
    static final String BOOTSTRAP_KEY = "kafka.bootstrap.servers";
    /** Where {@code bridge kafka} listens by default. */
    static final String LOCAL_BROKER = "127.0.0.1:9092";

    private KafkaSettings() {}

    static String bootstrap(Map<String, String> merged) {
        String servers = merged.get(BOOTSTRAP_KEY);
        return servers == null || servers.isBlank() ? LOCAL_BROKER : servers;
    }

    static Map<String, Object> producer(Map<String, String> merged) {
        Map<String, Object> p = KafkaClientDefaults.producer(bootstrap(merged));
        p.putAll(user(merged, "producer"));
        return p;
    }

    /** A read_committed consumer without a group: the tools assign partitions and commit nothing. */
    static Map<String, Object> consumer(Map<String, String> merged) {
        Map<String, Object> c = KafkaClientDefaults.consumer(bootstrap(merged), "unused-" + UUID.randomUUID());
        c.putAll(user(merged, "consumer"));
        c.remove(ConsumerConfig.GROUP_ID_CONFIG);
        c.remove(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        return c;
    }

    /** {@code kafka.*} without the per-kind sections, then {@code kafka.<kind>.*} on top. */
    static Map<String, Object> user(Map<String, String> merged, String kind) {
        Map<String, Object> base = ConfigSources.withPrefix(merged, "kafka.");
        base.keySet().removeIf(k -> k.startsWith("producer.") || k.startsWith("consumer.") || k.startsWith("admin."));
        base.putAll(ConfigSources.withPrefix(merged, "kafka." + kind + "."));
        return base;
    }

    /** The configured request topic ({@code bridge.topics.requests}, first entry), else the brief's default. */
    static String requestsTopic(Map<String, String> merged) {
        return requestTopics(merged).get(0);
    }

    /** Every configured request topic ({@code bridge.topics.requests}), else the default list; never empty. */
    static List<String> requestTopics(Map<String, String> merged) {
        String list = merged.get("bridge.topics.requests");
        List<String> out = new ArrayList<>();
        if (list != null) {
            for (String t : list.split(",")) {
                if (!t.isBlank()) {
                    out.add(t.trim());
                }
            }
        }
        return out.isEmpty() ? List.copyOf(TopicNames.defaults().requests()) : out;
    }

    /** A configured topic name by key ({@code bridge.topics.dlq}, …), else {@code fallback}. */
    static String topic(Map<String, String> merged, String key, String fallback) {
        String t = merged.get(key);
        return t == null || t.isBlank() ? fallback : t.trim();
    }
}
