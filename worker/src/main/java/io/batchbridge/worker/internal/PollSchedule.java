package io.batchbridge.worker.internal;

import java.time.Duration;
import java.util.Optional;
import java.util.function.DoubleSupplier;

/**
 * The poll intervals of one open batch: a first poll after {@code initial}, then each interval {@code multiplier}
 * times the last, capped at {@code max}, each spread by {@code ±jitter}. A server {@code retry-after} longer than
 * the computed interval wins.
 */
public record PollSchedule(Duration initial, double multiplier, Duration max, double jitter, DoubleSupplier random) {

    public PollSchedule {
        if (initial.isNegative() || initial.isZero() || max.compareTo(initial) < 0) {
            throw new IllegalArgumentException(
                    "poll intervals need 0 < initial <= max but were " + initial + ", " + max);
        }
    }

    /** The un-jittered interval after {@code polls} retrieves that found the batch still in progress. */
    public Duration base(int polls) {
        double ms = initial.toMillis() * Math.pow(multiplier, Math.max(0, polls));
        return Duration.ofMillis((long) Math.min(ms, max.toMillis()));
    }

    /** The wait before the next retrieve, after {@code polls} retrieves, honouring the server's hint. */
    public Duration next(int polls, Optional<Duration> retryAfter) {
        Duration d = jittered(base(polls));
        if (retryAfter.isPresent() && retryAfter.get().compareTo(d) > 0) {
            return retryAfter.get();
        }
        return d;
    }

    Duration jittered(Duration d) {
        double factor = 1 + jitter * (2 * random.getAsDouble() - 1);
        return Duration.ofMillis(Math.max(1, Math.round(d.toMillis() * factor)));
    }
}
