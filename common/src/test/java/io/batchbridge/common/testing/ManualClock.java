package io.batchbridge.common.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The one test clock of every module: time moves only when the test moves it ({@link #advance}, {@link #set}).
 * Thread-safe: code under test may read it from its own threads (an emulator's server, a client's breaker).
 * Shared through the common module's test-jar ({@code <type>test-jar</type>}, test scope).
 */
public final class ManualClock extends Clock {
    private final AtomicReference<Instant> now;
    private final ZoneId zone;

    /** A clock standing at {@code start}, in UTC. */
    public ManualClock(Instant start) {
        this(new AtomicReference<>(Objects.requireNonNull(start, "start")), ZoneOffset.UTC);
    }

    /** A clock standing at {@code start} (an ISO-8601 instant such as {@code 2026-11-01T10:00:00Z}), in UTC. */
    public static ManualClock at(String start) {
        return new ManualClock(Instant.parse(start));
    }

    private ManualClock(AtomicReference<Instant> now, ZoneId zone) {
        this.now = now;
        this.zone = zone;
    }

    /** Moves the clock forward (or back, for a negative duration); returns the new time. */
    public Instant advance(Duration d) {
        return now.updateAndGet(t -> t.plus(d));
    }

    /** Sets the clock to {@code t}. */
    public void set(Instant t) {
        now.set(Objects.requireNonNull(t, "t"));
    }

    @Override
    public Instant instant() {
        return now.get();
    }

    @Override
    public ZoneId getZone() {
        return zone;
    }

    /** The same clock seen in another zone: moving either moves both. */
    @Override
    public Clock withZone(ZoneId zone) {
        return zone.equals(this.zone) ? this : new ManualClock(now, zone);
    }

    @Override
    public String toString() {
        return "ManualClock[" + now.get() + "," + zone + "]";
    }
}
