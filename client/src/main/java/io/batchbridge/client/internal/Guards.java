package io.batchbridge.client.internal;

import io.batchbridge.client.ApiAccount;
import io.batchbridge.client.BatchesApiException;
import io.batchbridge.client.ClientSettings;
import io.batchbridge.client.Sleeper;
import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadConfig;
import io.github.resilience4j.bulkhead.BulkheadFullException;
import io.github.resilience4j.bulkhead.BulkheadRegistry;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.micrometer.tagged.TaggedBulkheadMetrics;
import io.github.resilience4j.micrometer.tagged.TaggedCircuitBreakerMetrics;
import io.github.resilience4j.micrometer.tagged.TaggedRateLimiterMetrics;
import io.github.resilience4j.micrometer.tagged.TaggedRetryMetrics;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.github.resilience4j.ratelimiter.RateLimiterRegistry;
import io.github.resilience4j.ratelimiter.RequestNotPermitted;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import io.github.resilience4j.retry.RetryRegistry;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.function.DoubleSupplier;
import java.util.function.Supplier;

/**
 * The Resilience4j instances (all named {@value #INSTANCE}, tagged with the account) around every HTTP
 * attempt: circuit breaker, then bulkhead, then rate limiter, inside a retry loop. The retry instance owns
 * the decisions (attempt count, retry predicate) and the metrics; the waits go through the injected
 * {@link Sleeper} so tests can record the schedule (Resilience4j's own sleep is handed zero).
 */
public final class Guards {
    public static final String INSTANCE = "batches-api";

    private final CircuitBreakerRegistry breakers;
    private final RetryRegistry retries;
    private final RateLimiterRegistry limiters;
    private final BulkheadRegistry bulkheads;
    private final CircuitBreaker breaker;
    private final Retry retry;
    private final RateLimiter limiter;
    private final Bulkhead bulkhead;
    private final RetryPolicy policy;
    private final Sleeper sleeper;

    public Guards(
            ApiAccount account,
            ClientSettings s,
            MeterRegistry registry,
            Clock clock,
            Sleeper sleeper,
            DoubleSupplier random) {
        this.policy = new RetryPolicy(s, random);
        this.sleeper = sleeper;
        Map<String, String> tags = Map.of("account", account.name());
        this.breakers = CircuitBreakerRegistry.ofDefaults();
        this.retries = RetryRegistry.ofDefaults();
        this.limiters = RateLimiterRegistry.ofDefaults();
        this.bulkheads = BulkheadRegistry.ofDefaults();
        TaggedCircuitBreakerMetrics.ofCircuitBreakerRegistry(breakers).bindTo(registry);
        TaggedRetryMetrics.ofRetryRegistry(retries).bindTo(registry);
        TaggedRateLimiterMetrics.ofRateLimiterRegistry(limiters).bindTo(registry);
        TaggedBulkheadMetrics.ofBulkheadRegistry(bulkheads).bindTo(registry);
        this.breaker = breakers.circuitBreaker(INSTANCE, breakerConfig(s, clock), tags);
        this.retry = retries.retry(INSTANCE, retryConfig(s), tags);
        this.limiter = limiters.rateLimiter(INSTANCE, limiterConfig(account, s), tags);
        this.bulkhead = bulkheads.bulkhead(INSTANCE, bulkheadConfig(s), tags);
    }

    /** Runs {@code attempt} under the guards, retrying transient failures as the policy allows. */
    public <T> T call(String op, Supplier<T> attempt) {
        Retry.Context<T> context = retry.context();
        int retriesDone = 0;
        while (true) {
            try {
                T result = guarded(op, attempt);
                context.onComplete();
                return result;
            } catch (BatchesApiException e) {
                context.onRuntimeError(e); // rethrows e unless it is retryable and attempts remain
                retriesDone++;
                pause(op, policy.delay(retriesDone, e));
            }
        }
    }

    /**
     * True while the breaker refuses calls. An OPEN breaker whose wait has elapsed moves to HALF_OPEN here,
     * so callers that pause intake on this flag resume and their next calls become the probes.
     */
    public boolean circuitOpen() {
        CircuitBreaker.State state = breaker.getState();
        if (state == CircuitBreaker.State.OPEN) {
            if (breaker.tryAcquirePermission()) {
                breaker.releasePermission();
                return false;
            }
            return true;
        }
        return state == CircuitBreaker.State.FORCED_OPEN;
    }

    public CircuitBreaker breaker() {
        return breaker;
    }

    public Retry retry() {
        return retry;
    }

    /** Removes the instances, which unbinds their meters. */
    public void close() {
        breakers.remove(INSTANCE);
        retries.remove(INSTANCE);
        limiters.remove(INSTANCE);
        bulkheads.remove(INSTANCE);
    }

    private <T> T guarded(String op, Supplier<T> attempt) {
        Supplier<T> limited = RateLimiter.decorateSupplier(limiter, attempt);
        Supplier<T> bounded = Bulkhead.decorateSupplier(bulkhead, limited);
        try {
            return CircuitBreaker.decorateSupplier(breaker, bounded).get();
        } catch (CallNotPermittedException e) {
            return refuse(op, BatchesApiException.CIRCUIT_OPEN, "circuit breaker " + INSTANCE + " is open", e);
        } catch (BulkheadFullException e) {
            return refuse(op, BatchesApiException.BULKHEAD_FULL, "too many concurrent calls", e);
        } catch (RequestNotPermitted e) {
            return refuse(op, BatchesApiException.CLIENT_RATE_LIMITED, "requests-per-minute limit reached", e);
        }
    }

    private static <T> T refuse(String op, String type, String message, RuntimeException cause) {
        throw new BatchesApiException(op, 0, type, message, null, null, true, false, cause);
    }

    private void pause(String op, Duration delay) {
        try {
            sleeper.sleep(delay);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BatchesApiException(
                    op,
                    0,
                    BatchesApiException.INTERRUPTED,
                    "interrupted while waiting to retry",
                    null,
                    null,
                    false,
                    false,
                    e);
        }
    }

    /** Only failures that say the API is unwell count; client errors (404, 400) are successful calls here. */
    static boolean apiUnwell(Throwable t) {
        if (!(t instanceof BatchesApiException e)) {
            return false;
        }
        int status = e.status();
        if (status == 0) {
            return BatchesApiException.CONNECTION_ERROR.equals(e.errorType())
                    || BatchesApiException.CALL_TIMEOUT.equals(e.errorType());
        }
        return status >= 500 || status == 429 || status == 408;
    }

    private static CircuitBreakerConfig breakerConfig(ClientSettings s, Clock clock) {
        return CircuitBreakerConfig.custom()
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(s.breakerWindowCalls())
                .minimumNumberOfCalls(s.breakerMinimumCalls())
                .failureRateThreshold(s.breakerFailureRatePercent())
                .waitDurationInOpenState(s.breakerOpenDuration())
                .permittedNumberOfCallsInHalfOpenState(s.breakerHalfOpenCalls())
                .recordException(Guards::apiUnwell)
                .ignoreException(t -> t instanceof BulkheadFullException || t instanceof RequestNotPermitted)
                .clock(clock)
                .build();
    }

    private RetryConfig retryConfig(ClientSettings s) {
        return RetryConfig.custom()
                .maxAttempts(s.maxRetries() + 1)
                .retryOnException(policy::retryInProcess)
                .intervalBiFunction((attempt, either) -> 0L)
                .failAfterMaxAttempts(false)
                .build();
    }

    private static RateLimiterConfig limiterConfig(ApiAccount account, ClientSettings s) {
        return RateLimiterConfig.custom()
                .limitForPeriod(account.requestsPerMinute())
                .limitRefreshPeriod(Duration.ofMinutes(1))
                .timeoutDuration(s.guardMaxWait())
                .build();
    }

    private static BulkheadConfig bulkheadConfig(ClientSettings s) {
        return BulkheadConfig.custom()
                .maxConcurrentCalls(s.maxConcurrentCalls())
                .maxWaitDuration(s.guardMaxWait())
                .build();
    }
}
