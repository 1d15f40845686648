package io.batchbridge.client.internal;

import java.net.http.HttpHeaders;
import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * Reads the server's wait hint the way the official SDKs do: {@code retry-after-ms} (float milliseconds)
 * first, then {@code retry-after} as seconds (integer or decimal) or as an HTTP date relative to the clock.
 * Unparsable or negative values are ignored; a date in the past means "now".
 */
public final class RetryAfter {
    private RetryAfter() {}

    public static Optional<Duration> from(HttpHeaders headers, Clock clock) {
        Optional<Duration> ms = headers.firstValue("retry-after-ms").flatMap(RetryAfter::millis);
        if (ms.isPresent()) {
            return ms;
        }
        return headers.firstValue("retry-after").flatMap(v -> parse(v, clock));
    }

    static Optional<Duration> parse(String value, Clock clock) {
        String v = value.trim();
        try {
            double seconds = Double.parseDouble(v);
            if (seconds < 0 || Double.isNaN(seconds) || Double.isInfinite(seconds)) {
                return Optional.empty();
            }
            return Optional.of(Duration.ofMillis(Math.round(seconds * 1000)));
        } catch (NumberFormatException notSeconds) {
            try {
                ZonedDateTime at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME);
                Duration d = Duration.between(clock.instant(), at.toInstant());
                return Optional.of(d.isNegative() ? Duration.ZERO : d);
            } catch (DateTimeParseException notDate) {
                return Optional.empty();
            }
        }
    }

    private static Optional<Duration> millis(String value) {
        try {
            double ms = Double.parseDouble(value.trim());
            if (ms < 0 || Double.isNaN(ms) || Double.isInfinite(ms)) {
                return Optional.empty();
            }
            return Optional.of(Duration.ofNanos(Math.round(ms * 1_000_000)));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
