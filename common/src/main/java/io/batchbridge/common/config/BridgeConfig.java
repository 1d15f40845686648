package io.batchbridge.common.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigValue;

/**
 * A role's configuration: keys declared once in a Kafka {@link ConfigDef} (type, default, validator,
 * documentation), validated eagerly with every error reported at once. Keys outside the role's prefix
 * (e.g. {@code kafka.*} client settings) are carried along untouched.
 */
public class BridgeConfig extends AbstractConfig {
    private final Map<String, String> raw;

    protected BridgeConfig(ConfigDef def, Map<String, String> values) {
        super(def, validated(def, values), false);
        this.raw = Map.copyOf(values);
    }

    /** Validates every declared key; throws one {@link InvalidConfigurationException} listing all errors. */
    static Map<String, String> validated(ConfigDef def, Map<String, String> values) {
        List<String> errors = new ArrayList<>();
        for (ConfigValue v : def.validate(values)) {
            for (String message : v.errorMessages()) {
                errors.add(v.name() + ": " + message);
            }
        }
        if (!errors.isEmpty()) {
            throw new InvalidConfigurationException(errors);
        }
        return values;
    }

    public Duration getDuration(String msKey) {
        return Duration.ofMillis(getLong(msKey));
    }

    /** Every value as given, including keys no role declares (for {@code kafka.*} pass-through). */
    public Map<String, String> raw() {
        return raw;
    }

    /** Kafka client settings ({@code kafka.*}) with the prefix removed. */
    public Map<String, Object> kafkaSettings() {
        return ConfigSources.withPrefix(raw, "kafka.");
    }

    /** Settings for one kind of Kafka client: {@code kafka.*}, then {@code kafka.<kind>.*} on top. */
    public Map<String, Object> kafkaSettings(String kind) {
        Map<String, Object> base = ConfigSources.withPrefix(raw, "kafka.");
        base.keySet().removeIf(k -> k.startsWith("producer.") || k.startsWith("consumer.") || k.startsWith("admin."));
        base.putAll(ConfigSources.withPrefix(raw, "kafka." + kind + "."));
        return base;
    }

    /** The config page section for a {@link ConfigDef}, as Markdown (generated into docs/configuration.md). */
    public static String markdown(ConfigDef def) {
        StringBuilder b = new StringBuilder();
        b.append("| key | type | default | valid values | importance | description |\n");
        b.append("|---|---|---|---|---|---|\n");
        for (ConfigDef.ConfigKey k : new java.util.TreeMap<>(def.configKeys()).values()) {
            b.append("| `")
                    .append(k.name)
                    .append("` | ")
                    .append(k.type.name().toLowerCase(java.util.Locale.ROOT))
                    .append(" | ")
                    .append(
                            k.hasDefault()
                                    ? "`" + ConfigDef.convertToString(k.defaultValue, k.type) + "`"
                                    : "(required)")
                    .append(" | ")
                    .append(k.validator == null ? "" : escape(k.validator.toString()))
                    .append(" | ")
                    .append(k.importance.name().toLowerCase(java.util.Locale.ROOT))
                    .append(" | ")
                    .append(escape(k.documentation))
                    .append(" |\n");
        }
        return b.toString();
    }

    private static String escape(String s) {
        return s == null ? "" : s.replace("|", "\\|").replace("\n", " ");
    }

    /** All errors of a configuration, one per line. */
    public static final class InvalidConfigurationException extends RuntimeException {
        private final List<String> errors;

        public InvalidConfigurationException(List<String> errors) {
            super("invalid configuration:\n  " + errors.stream().collect(Collectors.joining("\n  ")));
            this.errors = List.copyOf(errors);
        }

        public List<String> errors() {
            return errors;
        }
    }
}
