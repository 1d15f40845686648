package io.batchbridge.emulator.internal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Simulated time: starts at the real clock's instant and runs {@code scale} times faster, plus any manual
 * advance. Every lifecycle decision reads this clock lazily, so no thread runs per batch.
 */
public final class SimClock {
    private final Clock clock;
    private final double scale;
    private final Instant realStart;
    private final AtomicLong advancedMicros = new AtomicLong();

    public SimClock(Clock clock, double scale) {
        if (!(scale > 0) || Double.isInfinite(scale)) {
            throw new IllegalArgumentException("time scale must be a positive number but was " + scale);
        }
        this.clock = clock;
        this.scale = scale;
        this.realStart = clock.instant().truncatedTo(ChronoUnit.MICROS);
    }

    /** The current simulated instant, with microsecond precision. */
    public Instant now() {
        long realMicros = ChronoUnit.MICROS.between(realStart, clock.instant());
        double simMicros = realMicros * scale + advancedMicros.get();
        long clamped = (long) Math.min(simMicros, 1e17);
        return realStart.plus(clamped, ChronoUnit.MICROS);
    }

    /**
     * The instant a batch created now reports as its {@code created_at}: the real clock plus any manual advance.
     * A time scale compresses how long batches take, not when they were created, so a client comparing
     * {@code created_at} with its own clock (the submitter's create intents) sees the truth; at scale 1 this is
     * {@link #now}.
     */
    public Instant wallNow() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS).plus(advancedMicros.get(), ChronoUnit.MICROS);
    }

    /** The real (unscaled) instant, for rate-limit windows. */
    public Instant realNow() {
        return clock.instant();
    }

    /** Moves simulated time forward. */
    public void advance(Duration d) {
        if (d.isNegative()) {
            throw new IllegalArgumentException("cannot advance by a negative duration " + d);
        }
        advancedMicros.addAndGet(d.toNanos() / 1000);
    }

    public double scale() {
        return scale;
    }
}
