package io.batchbridge.cli;

import io.batchbridge.client.ApiAccounts;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/** Start-up checks a role's own {@code ConfigDef} cannot make: the cluster, an API account, unknown keys. */
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
        for (String key : new TreeSet<>(props.keySet())) {
            if (key.startsWith(spec.keyPrefix())
                    && !spec.definition().configKeys().containsKey(key)) {
                errors.add(key + " is not a " + spec.name() + " configuration key (see docs/configuration.md)");
            }
        }
        return errors;
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
