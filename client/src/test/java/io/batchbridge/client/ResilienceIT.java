package io.batchbridge.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.batchbridge.common.testing.ManualClock;
import io.batchbridge.emulator.Emulator;
import io.batchbridge.emulator.Endpoint;
import io.batchbridge.emulator.Fault;
import io.batchbridge.emulator.FaultKind;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@Timeout(60)
class ResilienceIT {
    private Emulator emulator;
    private SimpleMeterRegistry registry;
    private Fixtures.RecordingSleeper sleeper;
    private ManualClock clock;
    private BatchesClient client;

    @BeforeEach
    void start() {
        emulator = Fixtures.emulator();
        registry = new SimpleMeterRegistry();
        sleeper = new Fixtures.RecordingSleeper();
        clock = ManualClock.at("2026-11-22T10:00:00Z");
        client = client(Map.of());
    }

    private BatchesClient client(Map<String, String> overrides) {
        if (client != null) {
            client.close();
        }
        client = new BatchesClient(Fixtures.account(emulator), Fixtures.settings(overrides), registry, clock, sleeper);
        return client;
    }

    @AfterEach
    void stop() {
        client.close();
        emulator.close();
    }

    private CreateBody smallBody() {
        return Fixtures.body(Map.of("a", Fixtures.params("claude-haiku-4-5", 100, "output_tokens=5")));
    }

    private MessageBatch endedBatch(int requests) {
        CreateBody.Builder b = CreateBody.inMemory();
        for (int i = 0; i < requests; i++) {
            b.add("r" + i, Fixtures.params("claude-haiku-4-5", 4000, "output_tokens=2000"));
        }
        String id = client.create(b.build(), List.of()).id();
        await().atMost(Duration.ofSeconds(30)).until(() -> client.retrieve(id).ended());
        return client.retrieve(id);
    }

    @ParameterizedTest(name = "{0} on retrieve: retried={2}")
    @CsvSource({
        "400, invalid_request_error, false",
        "401, authentication_error, false",
        "404, not_found_error, false",
        "409, conflict_error, true",
        "413, request_too_large, false",
        "429, rate_limit_error, true",
        "500, api_error, true",
        "529, overloaded_error, true",
    })
    void eachErrorStatusMapsToItsTypeAndRetryDecision(int status, String type, boolean retried) {
        String id = client.create(smallBody(), List.of()).id();
        emulator.faults().script(Endpoint.RETRIEVE, Fault.status(status));

        if (retried) {
            assertThat(client.retrieve(id).id()).isEqualTo(id);
            assertThat(sleeper.waits).hasSize(1);
        } else {
            assertThatThrownBy(() -> client.retrieve(id)).isInstanceOfSatisfying(BatchesApiException.class, e -> {
                assertThat(e.status()).isEqualTo(status);
                assertThat(e.errorType()).isEqualTo(type);
                assertThat(e.retryable()).isFalse();
                assertThat(e.requestId()).isNotBlank();
            });
            assertThat(sleeper.waits).isEmpty();
        }
        assertThat(emulator.faults().injectedCount()).isEqualTo(1);
    }

    @Test
    void retryAfterHintsSetTheWaitsOfCreateRetries() {
        emulator.faults()
                .script(
                        Endpoint.CREATE,
                        Fault.status(529).withRetryAfter(Duration.ofSeconds(2)),
                        Fault.status(429).withRetryAfter(Duration.ofMillis(3500)));

        MessageBatch batch = client.create(smallBody(), List.of());

        assertThat(batch.id()).startsWith("msgbatch_");
        assertThat(sleeper.waits).containsExactly(Duration.ofSeconds(2), Duration.ofMillis(3500));
        assertThat(client.listAll()).extracting(MessageBatch::id).containsExactly(batch.id());
    }

    @Test
    void withoutHintsTheWaitsGrowExponentiallyWithJitterUntilRetriesRunOut() {
        emulator.faults().rate(Endpoint.LIST, FaultKind.HTTP_500, 1.0);

        assertThatThrownBy(() -> client.listAll())
                .isInstanceOfSatisfying(
                        BatchesApiException.class, e -> assertThat(e.status()).isEqualTo(500));

        assertThat(sleeper.waits).hasSize(4);
        long[] caps = {100, 200, 400, 800};
        for (int i = 0; i < caps.length; i++) {
            assertThat(sleeper.waits.get(i)).isBetween(Duration.ofMillis(caps[i] * 3 / 4), Duration.ofMillis(caps[i]));
        }
        assertThat(emulator.faults().injectedCount()).isEqualTo(5);
    }

    @Test
    void shouldRetryFalseStopsRetriesOfATransientStatus() {
        emulator.faults().script(Endpoint.LIST, Fault.status(529).withShouldRetry(false));
        assertThatThrownBy(() -> client.listAll())
                .isInstanceOfSatisfying(
                        BatchesApiException.class,
                        e -> assertThat(e.retryable()).isFalse());
        assertThat(sleeper.waits).isEmpty();
    }

    @Test
    void aHintLongerThanTheInProcessCapIsSurfacedForALaterRetry() {
        emulator.faults().script(Endpoint.LIST, Fault.status(429).withRetryAfter(Duration.ofMinutes(5)));
        assertThatThrownBy(() -> client.listAll()).isInstanceOfSatisfying(BatchesApiException.class, e -> {
            assertThat(e.retryable()).isTrue();
            assertThat(e.retryAfter()).contains(Duration.ofMinutes(5));
        });
        assertThat(sleeper.waits).isEmpty();
    }

    @Test
    void aCreateWhoseConnectionDroppedIsOutcomeUnknownAndNotRetried() {
        emulator.faults().script(Endpoint.CREATE, Fault.dropConnection());

        assertThatThrownBy(() -> client.create(smallBody(), List.of()))
                .isInstanceOfSatisfying(BatchesApiException.class, e -> {
                    assertThat(e.outcomeUnknown()).isTrue();
                    assertThat(e.retryable()).isFalse();
                    assertThat(e.status()).isZero();
                    assertThat(e.getMessage()).contains("outcome unknown");
                });
        assertThat(sleeper.waits).isEmpty();
    }

    @Test
    void aCreateAnsweredWithAnInternalErrorIsOutcomeUnknown() {
        emulator.faults().script(Endpoint.CREATE, Fault.status(500));
        assertThatThrownBy(() -> client.create(smallBody(), List.of()))
                .isInstanceOfSatisfying(BatchesApiException.class, e -> {
                    assertThat(e.status()).isEqualTo(500);
                    assertThat(e.outcomeUnknown()).isTrue();
                });
        assertThat(sleeper.waits).isEmpty();
    }

    @Test
    void idempotentCallsAreRetriedAfterDroppedConnections() {
        String id = client.create(smallBody(), List.of()).id();
        // The JDK client itself resends an idempotent GET once when the connection closes before a response;
        // three drops in a row get past that and must be absorbed by our retry.
        emulator.faults()
                .script(Endpoint.RETRIEVE, Fault.dropConnection(), Fault.dropConnection(), Fault.dropConnection());
        assertThat(client.retrieve(id).id()).isEqualTo(id);
        assertThat(emulator.faults().injectedCount()).isEqualTo(3);
        assertThat(sleeper.waits).isNotEmpty();
    }

    @Test
    void aSlowAnswerHitsTheCallTimeoutAndIsRetried() {
        client(Map.of("bridge.api.call.timeout.ms", "300"));
        String id = client.create(smallBody(), List.of()).id();
        emulator.faults().script(Endpoint.RETRIEVE, Fault.slow(Duration.ofSeconds(2)));
        assertThat(client.retrieve(id).id()).isEqualTo(id);
        assertThat(sleeper.waits).hasSize(1);
        assertThat(registry.get("bridge.api.calls")
                        .tags("op", "retrieve", "status", BatchesApiException.CALL_TIMEOUT)
                        .timer()
                        .count())
                .isEqualTo(1);
    }

    @Test
    void breakerOpensOnSustainedFailuresAndHalfOpensAfterItsWait() {
        client(Map.of(
                "bridge.api.max.retries", "0",
                "bridge.api.breaker.window.calls", "4",
                "bridge.api.breaker.minimum.calls", "4",
                "bridge.api.breaker.half.open.calls", "2",
                "bridge.api.breaker.open.ms", "30000"));
        String id = client.create(smallBody(), List.of()).id();
        emulator.faults().rate(Endpoint.RETRIEVE, FaultKind.HTTP_529, 1.0);
        // window of 4 calls: the successful create plus three 529s is a 75 % failure rate
        for (int i = 0; i < 3; i++) {
            assertThat(client.circuitOpen()).isFalse();
            assertThatThrownBy(() -> client.retrieve(id))
                    .isInstanceOfSatisfying(
                            BatchesApiException.class,
                            e -> assertThat(e.status()).isEqualTo(529));
        }
        assertThat(client.circuitOpen()).isTrue();
        assertThat(client.circuitState()).isEqualTo("OPEN");
        assertThatThrownBy(() -> client.retrieve(id)).isInstanceOfSatisfying(BatchesApiException.class, e -> {
            assertThat(e.errorType()).isEqualTo(BatchesApiException.CIRCUIT_OPEN);
            assertThat(e.status()).isZero();
        });
        assertThat(emulator.faults().injectedCount())
                .as("an open breaker sends nothing")
                .isEqualTo(3);

        clock.advance(Duration.ofSeconds(29));
        assertThat(client.circuitOpen()).isTrue();
        clock.advance(Duration.ofSeconds(2));
        assertThat(client.circuitOpen()).isFalse();
        assertThat(client.circuitState()).isEqualTo("HALF_OPEN");

        emulator.faults().clear();
        client.retrieve(id);
        client.retrieve(id);
        assertThat(client.circuitState()).isEqualTo("CLOSED");
        assertThat(registry.get("resilience4j.circuitbreaker.state")
                        .tags("name", "batches-api", "account", "emu", "state", "closed")
                        .gauge()
                        .value())
                .isEqualTo(1.0);
        assertThat(registry.get("bridge.api.calls")
                        .tags("op", "retrieve", "status", "529")
                        .timer()
                        .count())
                .isEqualTo(3);
    }

    @Test
    void clientErrorsDoNotOpenTheBreaker() {
        client(Map.of("bridge.api.breaker.window.calls", "4", "bridge.api.breaker.minimum.calls", "4"));
        emulator.faults().rate(Endpoint.RETRIEVE, FaultKind.HTTP_404, 1.0);
        for (int i = 0; i < 6; i++) {
            assertThatThrownBy(() -> client.retrieve("msgbatch_nope")).isInstanceOf(BatchesApiException.class);
        }
        assertThat(client.circuitOpen()).isFalse();
    }

    @Test
    void aConnectionDroppedMidResultsSurfacesAClearRetryableError() {
        MessageBatch batch = endedBatch(20);
        emulator.faults().script(Endpoint.RESULTS, Fault.dropMidStream(20_000));

        long linesBeforeBreak;
        try (ResultStream results = client.results(batch)) {
            long[] seen = {0};
            assertThatThrownBy(() -> results.forEachRemaining(l -> seen[0]++))
                    .isInstanceOfSatisfying(BatchesApiException.class, e -> {
                        assertThat(e.errorType()).isEqualTo(BatchesApiException.STREAM_BROKEN);
                        assertThat(e.retryable()).isTrue();
                        assertThat(e.getMessage()).contains(batch.id()).contains("broke after");
                    });
            linesBeforeBreak = results.linesRead();
            assertThat(linesBeforeBreak).isEqualTo(seen[0]).isLessThan(20);
        }
        try (ResultStream again = client.results(batch)) {
            assertThat(again.stream().count()).isEqualTo(20);
        }
    }

    @Test
    void resilienceInstancesAndCallTimersAreBoundToTheRegistry() {
        client.create(smallBody(), List.of());
        assertThat(registry.get("bridge.api.calls")
                        .tags("op", "create", "status", "200", "account", "emu")
                        .timer()
                        .count())
                .isEqualTo(1);
        assertThat(registry.find("resilience4j.retry.calls")
                        .tag("name", "batches-api")
                        .meters())
                .isNotEmpty();
        assertThat(registry.find("resilience4j.ratelimiter.available.permissions")
                        .tag("name", "batches-api")
                        .gauge())
                .isNotNull();
        assertThat(registry.find("resilience4j.bulkhead.available.concurrent.calls")
                        .tag("name", "batches-api")
                        .gauge())
                .isNotNull();
    }
}
