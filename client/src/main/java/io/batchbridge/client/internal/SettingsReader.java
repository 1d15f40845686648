package io.batchbridge.client.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Reads typed values of prefixed keys with defaults, collecting parse errors to report all at once. */
public final class SettingsReader {
    private final Map<String, String> props;
    private final String prefix;
    private final List<String> errors = new ArrayList<>();

    public SettingsReader(Map<String, String> props, String prefix) {
        this.props = props;
        this.prefix = prefix;
    }

    public String string(String key, String dflt) {
        String v = props.get(prefix + key);
        return v == null ? dflt : v.trim();
    }

    public int integer(String key, int dflt) {
        String v = props.get(prefix + key);
        if (v == null) {
            return dflt;
        }
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            errors.add(prefix + key + " must be an integer but was " + v);
            return dflt;
        }
    }

    public Duration millis(String key, long dflt) {
        String v = props.get(prefix + key);
        if (v == null) {
            return Duration.ofMillis(dflt);
        }
        try {
            return Duration.ofMillis(Long.parseLong(v.trim()));
        } catch (NumberFormatException e) {
            errors.add(prefix + key + " must be a whole number of milliseconds but was " + v);
            return Duration.ofMillis(dflt);
        }
    }

    public List<String> errors() {
        return List.copyOf(errors);
    }

    /** Throws an {@link IllegalArgumentException} listing every parse error, if there was any. */
    public void throwIfErrors() {
        if (!errors.isEmpty()) {
            throw new IllegalArgumentException("invalid configuration: " + String.join("; ", errors));
        }
    }
}
