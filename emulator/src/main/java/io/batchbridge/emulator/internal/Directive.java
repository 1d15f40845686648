package io.batchbridge.emulator.internal;

import java.util.Locale;

/**
 * A {@code #emulate key=value …} line in a request's last user message, steering that one request. Unknown
 * keys and malformed values are ignored (a directive never breaks a batch).
 *
 * @param outputTokens output length in tokens, or -1 for the profile's draw
 * @param outcome {@code succeeded}, {@code errored} or {@code expired}, or null for the profile's draw
 * @param errorType the error type of an {@code errored} outcome
 * @param stopReason explicit {@code stop_reason}, or null
 * @param durationSeconds simulated processing time, or -1 for the computed one
 * @param inputTokens reported input tokens, or -1 for the estimate
 * @param cacheReadTokens reported {@code cache_read_input_tokens}
 * @param cacheWriteTokens reported {@code cache_creation_input_tokens} (5-minute TTL)
 * @param times the outcome applies to the first {@code times} submissions of the directive's {@code key}
 *     only; later submissions succeed (so a retried request can get through); -1 for always
 * @param key identifies the request across submissions (its batch custom_id changes with each attempt)
 */
public record Directive(
        long outputTokens,
        String outcome,
        String errorType,
        String stopReason,
        double durationSeconds,
        long inputTokens,
        long cacheReadTokens,
        long cacheWriteTokens,
        int times,
        String key) {

    public static final String MARKER = "#emulate";

    /** The directive in {@code text}, or null. The last marker wins; it runs to the end of its line. */
    public static Directive find(String text) {
        int at = text.lastIndexOf(MARKER);
        if (at < 0) {
            return null;
        }
        int end = text.indexOf('\n', at);
        return parse(text.substring(at + MARKER.length(), end < 0 ? text.length() : end));
    }

    static Directive parse(String args) {
        long out = -1;
        long in = -1;
        long read = 0;
        long write = 0;
        double duration = -1;
        String outcome = null;
        String errorType = null;
        String stop = null;
        int times = -1;
        String requestKey = null;
        for (String token : args.trim().split("\\s+")) {
            int eq = token.indexOf('=');
            if (eq <= 0) {
                continue;
            }
            String key = token.substring(0, eq).toLowerCase(Locale.ROOT);
            String value = token.substring(eq + 1);
            switch (key) {
                case "output_tokens" -> out = number(value, out);
                case "input_tokens" -> in = number(value, in);
                case "cache_read_input_tokens", "cache_read" -> read = number(value, read);
                case "cache_creation_input_tokens", "cache_write" -> write = number(value, write);
                case "duration", "duration_seconds" -> duration = seconds(value, duration);
                case "stop_reason" -> stop = value;
                case "times" -> times = (int) Math.min(Integer.MAX_VALUE, number(value, times));
                case "key" -> requestKey = value;
                case "outcome" -> {
                    int colon = value.indexOf(':');
                    outcome = (colon < 0 ? value : value.substring(0, colon)).toLowerCase(Locale.ROOT);
                    errorType = colon < 0 ? null : value.substring(colon + 1);
                }
                default -> {}
            }
        }
        return new Directive(out, outcome, errorType, stop, duration, in, read, write, times, requestKey);
    }

    private static long number(String v, long fallback) {
        try {
            return Math.max(0, Long.parseLong(v.replace("_", "")));
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    private static double seconds(String v, double fallback) {
        try {
            return Math.max(0, FaultSpec.duration(v).toMillis() / 1000.0);
        } catch (IllegalArgumentException e) {
            return fallback;
        }
    }
}
