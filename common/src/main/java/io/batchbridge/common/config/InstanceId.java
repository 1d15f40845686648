package io.batchbridge.common.config;

import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;

/**
 * A role instance's stable id, {@code bridge.<role>.instance.id}: part of its transactional ids and its static group
 * membership. Declared here once for both roles; empty (the default) resolves at run time to {@code $HOSTNAME},
 * else {@code local}, so the generated configuration page is the same on every machine.
 */
public final class InstanceId {
    private InstanceId() {}

    /** {@code bridge.<role>.instance.id}. */
    public static String key(String role) {
        return "bridge." + role + ".instance.id";
    }

    /**
     * Adds the role's instance id key to its definition.
     *
     * @param usedFor what the id is part of, e.g. "its transactional.id"
     */
    public static ConfigDef addTo(ConfigDef def, String role, String usedFor) {
        return def.define(
                key(role),
                Type.STRING,
                "",
                Importance.MEDIUM,
                "Stable id of this " + role + " instance, part of " + usedFor + ". Give every instance its own; a"
                        + " restarted instance with the same id fences its predecessor's open transactions at once."
                        + " Empty (the default): $HOSTNAME, else 'local'.");
    }

    /** The configured id of {@code role}, else {@code $HOSTNAME}, else {@code local}. */
    public static String of(BridgeConfig config, String role) {
        return resolve(config.getString(key(role)), System.getenv());
    }

    static String resolve(String configured, Map<String, String> env) {
        if (configured != null && !configured.isBlank()) {
            return configured;
        }
        String host = env.get("HOSTNAME");
        return host == null || host.isBlank() ? "local" : host;
    }
}
