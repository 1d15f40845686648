package io.batchbridge.cli;

import io.batchbridge.client.ApiAccounts;
import io.batchbridge.common.kafka.KafkaClientDefaults;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigValue;

/**
 * Start-up checks a role's own {@code ConfigDef} cannot make: the cluster, an API account, the Kafka client
 * settings, unknown keys.
 */
final class RoleChecks {
    private RoleChecks() {}

    static List<String> problems(RoleRunner.Spec<?> spec, Map<String, String> props, ApiAccounts accounts) {
        List<String> errors = new ArrayList<>();
        String servers = props.get(KafkaSettings.BOOTSTRAP_KEY);
        if (servers == null || servers.isBlank()) {
            errors.add(KafkaSettings.BOOTSTRAP_KEY
                    + " must be set (--bootstrap-servers, KAFKA_BOOTSTRAP_SERVERS or the config file) but was missing");
        }
        if (accounts != null && accounts.names().isEmpty()) {
            errors.add("no API account is configured: set ANTHROPIC_API_KEY (and ANTHROPIC_BASE_URL for another"
                    + " endpoint) or " + ApiAccounts.ACCOUNTS_KEY + " with bridge.api.account.<name>.key");
        }
        errors.addAll(kafkaProblems(props));
        for (String key : new TreeSet<>(props.keySet())) {
            if (key.startsWith(spec.keyPrefix())
                    && !spec.definition().configKeys().containsKey(key)) {
                errors.add(key + " is not a " + spec.name() + " configuration key (see docs/configuration.md)");
            }
        }
        return errors;
    }

    /**
     * Errors in the user's Kafka client settings, checked with the clients' own {@code ConfigDef}s on top of
     * batch-bridge's defaults, so a bad {@code kafka.acks} stops the start instead of failing inside the role.
     */
    static List<String> kafkaProblems(Map<String, String> props) {
        Set<String> errors = new LinkedHashSet<>();
        check(errors, props, "producer", ProducerConfig.configDef(), KafkaClientDefaults.producer("localhost:9092"));
        check(
                errors,
                props,
                "consumer",
                ConsumerConfig.configDef(),
                KafkaClientDefaults.consumer("localhost:9092", "g"));
        return new ArrayList<>(errors);
    }

    private static void check(
            Set<String> errors, Map<String, String> props, String kind, ConfigDef def, Map<String, Object> defaults) {
        Map<String, Object> user = KafkaSettings.user(props, kind);
        Map<String, Object> all = new HashMap<>(defaults);
        all.putAll(user);
        for (ConfigValue v : def.validate(toStrings(all))) {
            if (user.containsKey(v.name()) && !v.errorMessages().isEmpty()) {
                String key = props.containsKey("kafka." + kind + "." + v.name())
                        ? "kafka." + kind + "." + v.name()
                        : "kafka." + v.name();
                // the first message says what is wrong; Kafka adds a second "must be non-null" after a parse error
                errors.add(key + ": " + v.errorMessages().get(0));
            }
        }
    }

    private static Map<String, String> toStrings(Map<String, Object> m) {
        Map<String, String> out = new HashMap<>();
        m.forEach((k, v) -> out.put(k, String.valueOf(v)));
        return out;
    }

    /**
     * The single errors of a message that joins several: {@code "invalid client settings: a; b"} becomes
     * {@code [a, b]}.
     */
    static List<String> split(String message) {
        if (message == null) {
            return List.of("unknown configuration error");
        }
        String body = message;
        if (message.startsWith("invalid ") && message.contains(": ")) {
            body = message.substring(message.indexOf(": ") + 2);
        }
        return Arrays.stream(body.split("; "))
                .map(String::trim)
                .filter(s -> !s.isEmpty())
                .toList();
    }
}
