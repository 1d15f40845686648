package io.batchbridge.emulator.internal;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * The {@code anthropic-ratelimit-requests-*} headers: a per-minute request window over real time. Purely
 * informative: the emulator never rejects on it (use a 429 fault for that).
 */
final class RateLimits {
    static final int REQUESTS_PER_MINUTE = 4000;
    private long windowMinute = Long.MIN_VALUE;
    private int used;

    /** Counts one request and returns {@code {limit, remaining, reset}}. */
    synchronized String[] take(Instant realNow) {
        long minute = realNow.getEpochSecond() / 60;
        if (minute != windowMinute) {
            windowMinute = minute;
            used = 0;
        }
        used++;
        int remaining = Math.max(0, REQUESTS_PER_MINUTE - used);
        String reset =
                Timestamps.format(Instant.ofEpochSecond((minute + 1) * 60).truncatedTo(ChronoUnit.SECONDS));
        return new String[] {Integer.toString(REQUESTS_PER_MINUTE), Integer.toString(remaining), reset};
    }
}
