package io.batchbridge.client;

import io.batchbridge.client.internal.SettingsReader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Immutable settings of a {@link BatchesClient}: timeouts, retry, breaker, bulkhead and limits. Every value
 * has a configuration key ({@link #from(Map)}); invalid values are rejected eagerly, all at once, each by
 * key, rule and value. Defaults are listed in {@code docs/client.md}.
 *
 * @param connectTimeout {@code bridge.api.connect.timeout.ms} (10 s): TCP/TLS connect
 * @param callTimeout {@code bridge.api.call.timeout.ms} (60 s): until response headers of one attempt
 * @param resultsIdleTimeout {@code bridge.api.results.idle.timeout.ms} (60 s): a results stream is aborted when
 *     no byte arrives for this long (there is deliberately no total timeout: a 10 GB download takes minutes)
 * @param maxRetries {@code bridge.api.max.retries} (4): in-process retries after the first attempt
 * @param initialBackoff {@code bridge.api.retry.initial.backoff.ms} (500 ms): first backoff, doubled per retry
 * @param maxBackoff {@code bridge.api.retry.max.backoff.ms} (8 s): cap of the exponential backoff
 * @param maxConcurrentCalls {@code bridge.api.max.concurrent.calls} (16): bulkhead size
 * @param anthropicVersion {@code bridge.api.version} ({@code 2023-06-01}): the {@code anthropic-version} header
 * @param breakerFailureRatePercent {@code bridge.api.breaker.failure.rate.percent} (50): opens at this failure rate
 * @param breakerWindowCalls {@code bridge.api.breaker.window.calls} (20): sliding window of recent calls
 * @param breakerMinimumCalls {@code bridge.api.breaker.minimum.calls} (10): calls before the rate counts
 * @param breakerOpenDuration {@code bridge.api.breaker.open.ms} (30 s): open time before half-open probes
 * @param breakerHalfOpenCalls {@code bridge.api.breaker.half.open.calls} (3): probes while half-open
 * @param maxRetryAfter {@code bridge.api.retry.max.retry.after.ms} (60 s): a server wait hint longer than this
 *     is not slept in process; the failure is surfaced (retryable, with {@code retryAfter}) for a later retry
 * @param guardMaxWait {@code bridge.api.guard.max.wait.ms} (10 s): longest wait for a bulkhead slot or a
 *     rate-limiter permit before failing with {@code bulkhead_full} / {@code client_rate_limited}
 * @param maxResultLineBytes {@code bridge.api.results.max.line.bytes} (64 MiB): a longer results line fails the
 *     stream instead of growing the heap
 */
public record ClientSettings(
        Duration connectTimeout,
        Duration callTimeout,
        Duration resultsIdleTimeout,
        int maxRetries,
        Duration initialBackoff,
        Duration maxBackoff,
        int maxConcurrentCalls,
        String anthropicVersion,
        int breakerFailureRatePercent,
        int breakerWindowCalls,
        int breakerMinimumCalls,
        Duration breakerOpenDuration,
        int breakerHalfOpenCalls,
        Duration maxRetryAfter,
        Duration guardMaxWait,
        int maxResultLineBytes) {

    public static final String PREFIX = "bridge.api.";

    public ClientSettings {
        List<String> errors = new ArrayList<>();
        positive(errors, "connect.timeout.ms", connectTimeout);
        positive(errors, "call.timeout.ms", callTimeout);
        positive(errors, "results.idle.timeout.ms", resultsIdleTimeout);
        between(errors, "max.retries", maxRetries, 0, 20);
        positive(errors, "retry.initial.backoff.ms", initialBackoff);
        positive(errors, "retry.max.backoff.ms", maxBackoff);
        if (initialBackoff != null && maxBackoff != null && maxBackoff.compareTo(initialBackoff) < 0) {
            errors.add(PREFIX + "retry.max.backoff.ms must be at least " + PREFIX + "retry.initial.backoff.ms ("
                    + initialBackoff.toMillis() + ") but was " + maxBackoff.toMillis());
        }
        between(errors, "max.concurrent.calls", maxConcurrentCalls, 1, 10_000);
        if (anthropicVersion == null || !anthropicVersion.matches("\\d{4}-\\d{2}-\\d{2}")) {
            errors.add(PREFIX + "version must be a date like 2023-06-01 but was " + anthropicVersion);
        }
        between(errors, "breaker.failure.rate.percent", breakerFailureRatePercent, 1, 100);
        between(errors, "breaker.window.calls", breakerWindowCalls, 1, 10_000);
        between(errors, "breaker.minimum.calls", breakerMinimumCalls, 1, 10_000);
        positive(errors, "breaker.open.ms", breakerOpenDuration);
        between(errors, "breaker.half.open.calls", breakerHalfOpenCalls, 1, 1_000);
        nonNegative(errors, "retry.max.retry.after.ms", maxRetryAfter);
        nonNegative(errors, "guard.max.wait.ms", guardMaxWait);
        between(errors, "results.max.line.bytes", maxResultLineBytes, 1024, Integer.MAX_VALUE - 16);
        if (!errors.isEmpty()) {
            throw new IllegalArgumentException("invalid client settings: " + String.join("; ", errors));
        }
    }

    /** The documented defaults. */
    public static ClientSettings defaults() {
        return from(Map.of());
    }

    /**
     * Reads {@code bridge.api.*} keys (times in milliseconds, as the key names say); absent keys take their
     * default; unparsable or out-of-range values are all reported in one {@link IllegalArgumentException}.
     */
    public static ClientSettings from(Map<String, String> props) {
        SettingsReader r = new SettingsReader(props, PREFIX);
        ClientSettings s;
        try {
            s = new ClientSettings(
                    r.millis("connect.timeout.ms", 10_000),
                    r.millis("call.timeout.ms", 60_000),
                    r.millis("results.idle.timeout.ms", 60_000),
                    r.integer("max.retries", 4),
                    r.millis("retry.initial.backoff.ms", 500),
                    r.millis("retry.max.backoff.ms", 8_000),
                    r.integer("max.concurrent.calls", 16),
                    r.string("version", "2023-06-01"),
                    r.integer("breaker.failure.rate.percent", 50),
                    r.integer("breaker.window.calls", 20),
                    r.integer("breaker.minimum.calls", 10),
                    r.millis("breaker.open.ms", 30_000),
                    r.integer("breaker.half.open.calls", 3),
                    r.millis("retry.max.retry.after.ms", 60_000),
                    r.millis("guard.max.wait.ms", 10_000),
                    r.integer("results.max.line.bytes", 64 * 1024 * 1024));
        } catch (IllegalArgumentException e) {
            if (r.errors().isEmpty()) {
                throw e;
            }
            throw new IllegalArgumentException(
                    "invalid client settings: " + String.join("; ", r.errors()) + "; " + e.getMessage(), e);
        }
        r.throwIfErrors();
        return s;
    }

    /** These settings with some keys replaced, e.g. {@code defaults().with(Map.of("bridge.api.max.retries", "2"))}. */
    public ClientSettings with(Map<String, String> overrides) {
        Map<String, String> merged = new java.util.HashMap<>(toProperties());
        merged.putAll(overrides);
        return from(merged);
    }

    /** These settings as {@code bridge.api.*} properties. */
    public Map<String, String> toProperties() {
        Map<String, String> m = new java.util.LinkedHashMap<>();
        m.put(PREFIX + "connect.timeout.ms", ms(connectTimeout));
        m.put(PREFIX + "call.timeout.ms", ms(callTimeout));
        m.put(PREFIX + "results.idle.timeout.ms", ms(resultsIdleTimeout));
        m.put(PREFIX + "max.retries", Integer.toString(maxRetries));
        m.put(PREFIX + "retry.initial.backoff.ms", ms(initialBackoff));
        m.put(PREFIX + "retry.max.backoff.ms", ms(maxBackoff));
        m.put(PREFIX + "max.concurrent.calls", Integer.toString(maxConcurrentCalls));
        m.put(PREFIX + "version", anthropicVersion);
        m.put(PREFIX + "breaker.failure.rate.percent", Integer.toString(breakerFailureRatePercent));
        m.put(PREFIX + "breaker.window.calls", Integer.toString(breakerWindowCalls));
        m.put(PREFIX + "breaker.minimum.calls", Integer.toString(breakerMinimumCalls));
        m.put(PREFIX + "breaker.open.ms", ms(breakerOpenDuration));
        m.put(PREFIX + "breaker.half.open.calls", Integer.toString(breakerHalfOpenCalls));
        m.put(PREFIX + "retry.max.retry.after.ms", ms(maxRetryAfter));
        m.put(PREFIX + "guard.max.wait.ms", ms(guardMaxWait));
        m.put(PREFIX + "results.max.line.bytes", Integer.toString(maxResultLineBytes));
        return m;
    }

    private static String ms(Duration d) {
        return Long.toString(d.toMillis());
    }

    private static void positive(List<String> errors, String key, Duration d) {
        if (d == null || d.isNegative() || d.isZero()) {
            errors.add(PREFIX + key + " must be greater than 0 but was " + (d == null ? null : d.toMillis()));
        }
    }

    private static void nonNegative(List<String> errors, String key, Duration d) {
        if (d == null || d.isNegative()) {
            errors.add(PREFIX + key + " must be at least 0 but was " + (d == null ? null : d.toMillis()));
        }
    }

    private static void between(List<String> errors, String key, int v, int min, int max) {
        if (v < min || v > max) {
            errors.add(PREFIX + key + " must be between " + min + " and " + max + " but was " + v);
        }
    }
}
