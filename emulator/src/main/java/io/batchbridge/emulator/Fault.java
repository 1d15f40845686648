package io.batchbridge.emulator;

import java.time.Duration;
import java.util.Objects;

/**
 * One injected fault with its parameters.
 *
 * @param kind what happens
 * @param retryAfter value of {@code retry-after} (and {@code retry-after-ms}) on a status fault; null sends none
 * @param shouldRetry value of {@code x-should-retry} on a status fault; null sends none
 * @param delay how long a {@link FaultKind#SLOW} fault holds the answer (real time, not simulated)
 * @param dropAfterBytes how many body bytes a {@link FaultKind#DROP_MID_STREAM} fault sends before cutting
 */
public record Fault(FaultKind kind, Duration retryAfter, Boolean shouldRetry, Duration delay, long dropAfterBytes) {

    /** Default {@code retry-after} of a 429. */
    public static final Duration DEFAULT_RETRY_AFTER = Duration.ofSeconds(1);
    /** Default delay of a slow response. */
    public static final Duration DEFAULT_DELAY = Duration.ofSeconds(2);
    /** Default number of body bytes sent before a mid-stream drop. */
    public static final long DEFAULT_DROP_AFTER_BYTES = 64;

    public Fault {
        Objects.requireNonNull(kind, "kind");
        if (dropAfterBytes < 0) {
            throw new IllegalArgumentException("dropAfterBytes must be at least 0 but was " + dropAfterBytes);
        }
        if (delay != null && delay.isNegative()) {
            throw new IllegalArgumentException("delay must not be negative but was " + delay);
        }
        if (retryAfter != null && retryAfter.isNegative()) {
            throw new IllegalArgumentException("retryAfter must not be negative but was " + retryAfter);
        }
    }

    /** A fault of this kind with its default parameters. */
    public static Fault of(FaultKind kind) {
        return switch (kind) {
            case HTTP_429 -> new Fault(kind, DEFAULT_RETRY_AFTER, null, null, 0);
            case SLOW -> slow(DEFAULT_DELAY);
            case DROP_MID_STREAM -> dropMidStream(DEFAULT_DROP_AFTER_BYTES);
            default -> new Fault(kind, null, null, null, 0);
        };
    }

    /** An error answer with this status (400, 401, 404, 409, 413, 429, 500 or 529) and the matching error body. */
    public static Fault status(int httpStatus) {
        return of(FaultKind.forStatus(httpStatus));
    }

    /** The same fault sending {@code retry-after} (whole seconds, rounded up) and {@code retry-after-ms}. */
    public Fault withRetryAfter(Duration d) {
        return new Fault(kind, d, shouldRetry, delay, dropAfterBytes);
    }

    /** The same fault sending {@code x-should-retry: true|false}. */
    public Fault withShouldRetry(boolean b) {
        return new Fault(kind, retryAfter, b, delay, dropAfterBytes);
    }

    /** Answers normally, but only after this real-time delay. */
    public static Fault slow(Duration delay) {
        return new Fault(FaultKind.SLOW, null, null, Objects.requireNonNull(delay, "delay"), 0);
    }

    /** Closes the socket without sending a response. */
    public static Fault dropConnection() {
        return new Fault(FaultKind.DROP_CONNECTION, null, null, null, 0);
    }

    /** Sends the status line, headers and {@code afterBytes} bytes of the body, then cuts the connection. */
    public static Fault dropMidStream(long afterBytes) {
        return new Fault(FaultKind.DROP_MID_STREAM, null, null, null, afterBytes);
    }
}
