package io.batchbridge.common.topics;

import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;

/**
 * One check an existing topic's config must pass. {@link #check} returns the problem in words, or empty.
 *
 * @param key topic config name
 * @param expected the value the provisioner sets to fix the topic
 * @param why the invariant the requirement protects, for the report
 */
public record TopicRequirement(String key, String expected, String why, Kind kind) {

    enum Kind {
        AT_LEAST,
        CONTAINS,
        RETENTION_AT_LEAST
    }

    static TopicRequirement atLeast(String key, long min, String why) {
        return new TopicRequirement(key, String.valueOf(min), why, Kind.AT_LEAST);
    }

    static TopicRequirement contains(String key, String token, String why) {
        return new TopicRequirement(key, token, why, Kind.CONTAINS);
    }

    static TopicRequirement retentionAtLeast(Duration min, String why) {
        return new TopicRequirement("retention.ms", String.valueOf(min.toMillis()), why, Kind.RETENTION_AT_LEAST);
    }

    /** The problem with {@code actual} (may be null when the topic does not report the key), if any. */
    public Optional<String> check(String actual) {
        boolean ok = switch (kind) {
            case AT_LEAST -> actual != null && parse(actual) >= Long.parseLong(expected);
            case CONTAINS ->
                actual != null
                        && Arrays.stream(actual.split(",")).map(String::trim).anyMatch(expected::equals);
            case RETENTION_AT_LEAST ->
                actual != null && (parse(actual) < 0 || parse(actual) >= Long.parseLong(expected));
        };
        if (ok) {
            return Optional.empty();
        }
        String rule = switch (kind) {
            case AT_LEAST, RETENTION_AT_LEAST -> "must be at least " + expected;
            case CONTAINS -> "must include " + expected;
        };
        return Optional.of(key + " " + rule + " but was " + actual + " (" + why + ")");
    }

    private static long parse(String v) {
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            return Long.MIN_VALUE;
        }
    }
}
