package io.batchbridge.client.internal;

import io.batchbridge.client.BatchesApiException;
import io.batchbridge.client.ClientSettings;
import java.time.Duration;
import java.util.Set;
import java.util.function.DoubleSupplier;

/**
 * Decides whether a failed attempt is retried in process and how long to wait first. Backoff is the SDKs'
 * shape: {@code initial * 2^(n-1)} capped at {@code max}, minus up to 25 % jitter; a server hint
 * ({@code retry-after-ms} / {@code retry-after}) replaces it. A hint longer than {@code maxRetryAfter} is not
 * slept here: the failure goes back to the caller, whose retry topic can wait without holding a thread.
 */
public final class RetryPolicy {
    /** Local guards refuse calls on purpose; retrying them in a loop would defeat them. */
    private static final Set<String> LOCAL_GUARDS = Set.of(
            BatchesApiException.CIRCUIT_OPEN,
            BatchesApiException.BULKHEAD_FULL,
            BatchesApiException.CLIENT_RATE_LIMITED,
            BatchesApiException.INTERRUPTED);

    private final Duration initial;
    private final Duration max;
    private final Duration maxRetryAfter;
    private final DoubleSupplier random;

    public RetryPolicy(ClientSettings settings, DoubleSupplier random) {
        this.initial = settings.initialBackoff();
        this.max = settings.maxBackoff();
        this.maxRetryAfter = settings.maxRetryAfter();
        this.random = random;
    }

    /** True when {@code t} may be retried in process (used as Resilience4j's retry-on-exception predicate). */
    public boolean retryInProcess(Throwable t) {
        if (!(t instanceof BatchesApiException e) || !e.retryable() || e.outcomeUnknown()) {
            return false;
        }
        if (LOCAL_GUARDS.contains(e.errorType())) {
            return false;
        }
        return e.retryAfter().map(d -> d.compareTo(maxRetryAfter) <= 0).orElse(true);
    }

    /**
     * The wait before retry number {@code retry} (1 = the first retry).
     */
    public Duration delay(int retry, BatchesApiException e) {
        if (e.retryAfter().isPresent()) {
            return e.retryAfter().get();
        }
        double exponential = initial.toNanos() * Math.pow(2, Math.max(retry - 1, 0));
        double base = Math.min(max.toNanos(), exponential);
        double jitter = 1.0 - 0.25 * random.getAsDouble();
        return Duration.ofNanos((long) (base * jitter));
    }
}
