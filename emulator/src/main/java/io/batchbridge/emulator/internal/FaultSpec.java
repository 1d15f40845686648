package io.batchbridge.emulator.internal;

import io.batchbridge.emulator.Endpoint;
import io.batchbridge.emulator.Fault;
import io.batchbridge.emulator.FaultKind;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Parses the fault spec used by {@code --faults}, the builder and the admin endpoint: comma-separated entries
 * {@code endpoint:kind[@arg]=probability} or {@code endpoint:script=kind[@arg]/kind[@arg]/…}. The argument is
 * the {@code retry-after} of a 429, the delay of {@code slow}, or the byte count of {@code drop_mid_stream}.
 * Example: {@code any:429@2s=0.2,results:drop_mid_stream@4096=0.1,create:script=529/500}.
 */
public final class FaultSpec {
    private FaultSpec() {}

    /** Applies every entry of {@code spec} to {@code table}; throws with all problems named on a bad spec. */
    public static void apply(String spec, FaultTable table) {
        if (spec == null || spec.isBlank()) {
            return;
        }
        List<Runnable> actions = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        for (String raw : spec.split(",")) {
            String entry = raw.trim();
            if (entry.isEmpty()) {
                continue;
            }
            try {
                actions.add(parseEntry(entry, table));
            } catch (IllegalArgumentException e) {
                errors.add(e.getMessage());
            }
        }
        if (!errors.isEmpty()) {
            throw new IllegalArgumentException("invalid fault spec: " + String.join("; ", errors));
        }
        actions.forEach(Runnable::run);
    }

    private static Runnable parseEntry(String entry, FaultTable table) {
        int colon = entry.indexOf(':');
        int eq = entry.indexOf('=');
        if (colon < 0 || eq < colon) {
            throw new IllegalArgumentException("'" + entry + "' is not endpoint:kind=probability");
        }
        Endpoint endpoint = endpoint(entry.substring(0, colon));
        String kind = entry.substring(colon + 1, eq).trim();
        String value = entry.substring(eq + 1).trim();
        if (kind.equalsIgnoreCase("script")) {
            List<Fault> faults = new ArrayList<>();
            for (String item : value.split("/")) {
                faults.add(parseFault(item));
            }
            return () -> table.script(endpoint, faults);
        }
        Fault fault = parseFault(kind);
        double p;
        try {
            p = Double.parseDouble(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("probability '" + value + "' in '" + entry + "' is not a number");
        }
        if (!(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException("probability in '" + entry + "' must be between 0 and 1");
        }
        return () -> table.rate(endpoint, fault, p);
    }

    private static Endpoint endpoint(String name) {
        try {
            return Endpoint.valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown endpoint '" + name.trim() + "'");
        }
    }

    /** Parses {@code kind[@arg]}. */
    public static Fault parseFault(String text) {
        String t = text.trim();
        int at = t.indexOf('@');
        FaultKind kind = FaultKind.fromSpec(at < 0 ? t : t.substring(0, at));
        Fault fault = Fault.of(kind);
        if (at < 0) {
            return fault;
        }
        String arg = t.substring(at + 1).trim();
        return switch (kind) {
            case SLOW -> Fault.slow(duration(arg));
            case DROP_MID_STREAM -> Fault.dropMidStream(Long.parseLong(arg));
            default -> {
                if (!kind.isStatus()) {
                    throw new IllegalArgumentException("fault '" + t + "' takes no argument");
                }
                yield fault.withRetryAfter(duration(arg));
            }
        };
    }

    /** Parses {@code 250ms}, {@code 2s}, {@code 1m}, {@code 2h} or a plain number of seconds. */
    public static Duration duration(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        try {
            if (t.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
            }
            if (t.endsWith("s")) {
                return Duration.ofMillis(Math.round(Double.parseDouble(t.substring(0, t.length() - 1)) * 1000));
            }
            if (t.endsWith("m")) {
                return Duration.ofSeconds(Long.parseLong(t.substring(0, t.length() - 1)) * 60);
            }
            if (t.endsWith("h")) {
                return Duration.ofSeconds(Long.parseLong(t.substring(0, t.length() - 1)) * 3600);
            }
            return Duration.ofMillis(Math.round(Double.parseDouble(t) * 1000));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' is not a duration (e.g. 500ms, 2s, 1m, 2h)");
        }
    }

    /** The spec text of one fault. */
    public static String format(Fault f) {
        String name = f.kind().specName();
        return switch (f.kind()) {
            case SLOW -> name + "@" + f.delay().toMillis() + "ms";
            case DROP_MID_STREAM -> name + "@" + f.dropAfterBytes();
            default ->
                f.retryAfter() == null ? name : name + "@" + f.retryAfter().toMillis() + "ms";
        };
    }
}
