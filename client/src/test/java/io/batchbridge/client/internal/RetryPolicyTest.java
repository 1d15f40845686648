package io.batchbridge.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.batchbridge.client.BatchesApiException;
import io.batchbridge.client.ClientSettings;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {
    private static final ClientSettings SETTINGS = ClientSettings.defaults()
            .with(Map.of(
                    "bridge.api.retry.initial.backoff.ms", "500",
                    "bridge.api.retry.max.backoff.ms", "8000",
                    "bridge.api.retry.max.retry.after.ms", "60000"));

    private static BatchesApiException transientError(Duration retryAfter) {
        return new BatchesApiException("list", 529, "overloaded_error", "x", null, retryAfter, true, false, null);
    }

    @Test
    void backoffDoublesFromTheInitialDelayUpToTheCapWithoutJitterAtZero() {
        RetryPolicy p = new RetryPolicy(SETTINGS, () -> 0.0);
        assertThat(p.delay(1, transientError(null))).isEqualTo(Duration.ofMillis(500));
        assertThat(p.delay(2, transientError(null))).isEqualTo(Duration.ofMillis(1000));
        assertThat(p.delay(4, transientError(null))).isEqualTo(Duration.ofMillis(4000));
        assertThat(p.delay(5, transientError(null))).isEqualTo(Duration.ofMillis(8000));
        assertThat(p.delay(40, transientError(null))).isEqualTo(Duration.ofMillis(8000));
    }

    @Test
    void jitterTakesOffAtMostAQuarter() {
        RetryPolicy p = new RetryPolicy(SETTINGS, () -> 0.999_999);
        assertThat(p.delay(2, transientError(null))).isBetween(Duration.ofMillis(750), Duration.ofMillis(751));
    }

    @Test
    void serverHintReplacesTheBackoff() {
        RetryPolicy p = new RetryPolicy(SETTINGS, () -> 0.5);
        assertThat(p.delay(1, transientError(Duration.ofSeconds(3)))).isEqualTo(Duration.ofSeconds(3));
    }

    @Test
    void retriesInProcessOnlyTransientFailuresWithAShortEnoughHint() {
        RetryPolicy p = new RetryPolicy(SETTINGS, () -> 0.5);
        assertThat(p.retryInProcess(transientError(null))).isTrue();
        assertThat(p.retryInProcess(transientError(Duration.ofSeconds(60)))).isTrue();
        assertThat(p.retryInProcess(transientError(Duration.ofSeconds(61)))).isFalse();
        assertThat(p.retryInProcess(
                        new BatchesApiException("list", 404, "not_found_error", "x", null, null, false, false, null)))
                .isFalse();
        assertThat(p.retryInProcess(
                        new BatchesApiException("create", 500, "api_error", "x", null, null, false, true, null)))
                .isFalse();
        assertThat(p.retryInProcess(new BatchesApiException(
                        "list", 0, BatchesApiException.CIRCUIT_OPEN, "x", null, null, true, false, null)))
                .isFalse();
        assertThat(p.retryInProcess(new IllegalStateException())).isFalse();
    }
}
