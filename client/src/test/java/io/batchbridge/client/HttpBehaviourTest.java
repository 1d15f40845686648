package io.batchbridge.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.Headers;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HttpBehaviourTest {
    private static final ClientSettings FAST = ClientSettings.defaults()
            .with(Map.of(
                    "bridge.api.results.idle.timeout.ms", "300",
                    "bridge.api.retry.initial.backoff.ms", "100",
                    "bridge.api.retry.max.backoff.ms", "1000"));

    private static ApiAccount account(URI base, Optional<String> workspace) {
        return new ApiAccount("test", base, Secret.of("sk-test-key"), workspace, 1000);
    }

    private static CreateBody oneRequest() {
        CreateBody.Builder b = CreateBody.inMemory();
        b.add("r1", "{\"model\":\"m\"}".getBytes(StandardCharsets.UTF_8));
        return b.build();
    }

    @Test
    @Timeout(20)
    void createSendsKeyVersionBetasWorkspaceAndJsonContentType() throws Exception {
        AtomicReference<Headers> seen = new AtomicReference<>();
        AtomicReference<byte[]> body = new AtomicReference<>();
        try (StubServer stub = new StubServer(0, ex -> {
                    seen.set(ex.getRequestHeaders());
                    body.set(ex.getRequestBody().readAllBytes());
                    StubServer.respond(ex, 200, StubServer.BATCH_JSON);
                });
                BatchesClient client = new BatchesClient(
                        account(stub.baseUrl(), Optional.of("wrkspc_9")),
                        FAST,
                        new SimpleMeterRegistry(),
                        Clock.systemUTC())) {
            CreateBody createBody = oneRequest();
            MessageBatch batch = client.create(createBody, List.of("output-300k-2026-03-24", "other-beta-2025-01-01"));

            Headers h = seen.get();
            assertThat(h.getFirst("x-api-key")).isEqualTo("sk-test-key");
            assertThat(h.getFirst("anthropic-version")).isEqualTo("2023-06-01");
            assertThat(h.get("anthropic-beta")).containsExactly("output-300k-2026-03-24,other-beta-2025-01-01");
            assertThat(h.getFirst("anthropic-workspace-id")).isEqualTo("wrkspc_9");
            assertThat(h.getFirst("content-type")).isEqualTo("application/json");
            java.io.ByteArrayOutputStream expected = new java.io.ByteArrayOutputStream();
            createBody.writeTo(expected);
            assertThat(body.get()).isEqualTo(expected.toByteArray());
            assertThat(batch.id()).isEqualTo("msgbatch_1");
            assertThat(batch.ended()).isTrue();
            assertThat(batch.requestCounts().total()).isEqualTo(2);
            assertThat(batch.createdAt()).isEqualTo(java.time.Instant.parse("2026-11-22T09:00:00.000001Z"));
            assertThat(batch.cancelInitiatedAt()).isNull();
        }
    }

    @Test
    @Timeout(30)
    void aBodyOfManyChunksArrivesWholeWithItsContentLength() throws Exception {
        AtomicReference<String> length = new AtomicReference<>();
        AtomicReference<byte[]> body = new AtomicReference<>();
        try (StubServer stub = new StubServer(0, ex -> {
                    length.set(ex.getRequestHeaders().getFirst("content-length"));
                    body.set(ex.getRequestBody().readAllBytes());
                    StubServer.respond(ex, 200, StubServer.BATCH_JSON);
                });
                BatchesClient client = new BatchesClient(
                        account(stub.baseUrl(), Optional.empty()),
                        FAST,
                        new SimpleMeterRegistry(),
                        Clock.systemUTC())) {
            CreateBody.Builder b = CreateBody.inMemory();
            for (int i = 0; i < 2000; i++) {
                b.addParsed(
                        "r" + i,
                        ("{\"model\":\"m\",\"pad\":\"" + "y".repeat(i % 3000) + "\"}")
                                .getBytes(StandardCharsets.UTF_8));
            }
            CreateBody createBody = b.build();
            client.create(createBody, List.of());

            java.io.ByteArrayOutputStream expected = new java.io.ByteArrayOutputStream();
            createBody.writeTo(expected);
            assertThat(expected.size()).isGreaterThan(2_000_000);
            assertThat(body.get()).isEqualTo(expected.toByteArray());
            assertThat(length.get()).isEqualTo(String.valueOf(expected.size())); // not chunked transfer encoding
        }
    }

    @Test
    @Timeout(20)
    void theAnthropicVersionIsConfigurable() {
        AtomicReference<Headers> seen = new AtomicReference<>();
        try (StubServer stub = new StubServer(0, ex -> {
                    seen.set(ex.getRequestHeaders());
                    StubServer.respond(ex, 200, StubServer.BATCH_JSON);
                });
                BatchesClient client = new BatchesClient(
                        account(stub.baseUrl(), Optional.empty()),
                        FAST.with(Map.of("bridge.api.version", "2026-10-21")),
                        new SimpleMeterRegistry(),
                        Clock.systemUTC())) {
            client.retrieve("msgbatch_1");
            assertThat(seen.get().getFirst("anthropic-version")).isEqualTo("2026-10-21");
            assertThat(seen.get().containsKey("anthropic-beta")).isFalse();
            assertThat(seen.get().containsKey("anthropic-workspace-id")).isFalse();
        }
    }

    @ParameterizedTest(name = "read-ahead {0} bytes")
    @ValueSource(ints = {0, 65_536})
    @Timeout(20)
    void aResultsStreamThatStallsIsAbortedByTheIdleWatchdog(int readAhead) throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        // set if the stub stopped holding the stream before our client gave up: then the stream was not cut by
        // the watchdog (a logical check, where a duration bound would depend on how busy the machine is)
        java.util.concurrent.atomic.AtomicBoolean serverClosedFirst = new java.util.concurrent.atomic.AtomicBoolean();
        try (StubServer stub = new StubServer(0, ex -> {
                    ex.getResponseHeaders().add("content-type", "application/x-jsonl");
                    ex.sendResponseHeaders(200, 0);
                    OutputStream out = ex.getResponseBody();
                    out.write("{\"custom_id\":\"a\",\"result\":{\"type\":\"canceled\"}}\n"
                            .getBytes(StandardCharsets.UTF_8));
                    out.flush();
                    try {
                        if (!release.await(15, TimeUnit.SECONDS)) {
                            serverClosedFirst.set(true);
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    ex.close();
                });
                BatchesClient client = new BatchesClient(
                        account(stub.baseUrl(), Optional.empty()),
                        FAST,
                        new SimpleMeterRegistry(),
                        Clock.systemUTC())) {
            MessageBatch batch = retrievedEndedBatch();
            try (ResultStream results = client.results(batch, readAhead)) {
                assertThat(results.next().customId()).isEqualTo("a");
                assertThatThrownBy(results::hasNext).isInstanceOfSatisfying(BatchesApiException.class, e -> {
                    assertThat(e.errorType()).isEqualTo(BatchesApiException.IDLE_TIMEOUT);
                    assertThat(e.retryable()).isTrue();
                    assertThat(e.getMessage()).contains("msgbatch_1").contains("after 1 lines");
                    assertThat(serverClosedFirst).isFalse();
                });
            } finally {
                release.countDown();
            }
        }
    }

    @ParameterizedTest(name = "read-ahead {0} bytes")
    @ValueSource(ints = {0, 65_536})
    @Timeout(20)
    void aConsumerThatPausesBetweenLinesIsNotMistakenForAStalledSocket(int readAhead) {
        try (StubServer stub = new StubServer(0, ex -> {
                    ex.getResponseHeaders().add("content-type", "application/x-jsonl");
                    ex.sendResponseHeaders(200, 0);
                    ex.getResponseBody()
                            .write(("{\"custom_id\":\"a\",\"result\":{\"type\":\"canceled\"}}\n"
                                            + "{\"custom_id\":\"b\",\"result\":{\"type\":\"canceled\"}}\n")
                                    .getBytes(StandardCharsets.UTF_8));
                    ex.close();
                });
                BatchesClient client = new BatchesClient(
                        account(stub.baseUrl(), Optional.empty()), FAST, new SimpleMeterRegistry(), Clock.systemUTC());
                ResultStream results = client.results(retrievedEndedBatch(), readAhead)) {
            assertThat(results.next().customId()).isEqualTo("a");
            // the consumer is busy for twice the idle timeout (300 ms) before it reads on
            org.awaitility.Awaitility.await().pollDelay(Duration.ofMillis(700)).until(() -> true);
            assertThat(results.next().customId()).isEqualTo("b");
            assertThat(results.hasNext()).isFalse();
        }
    }

    @ParameterizedTest(name = "read-ahead {0} bytes")
    @ValueSource(ints = {0, 65_536})
    @Timeout(20)
    void aResultsFileShorterThanTheBatchIsABrokenStream(int readAhead) {
        try (StubServer stub = new StubServer(0, ex -> {
                    byte[] one = "{\"custom_id\":\"a\",\"result\":{\"type\":\"canceled\"}}\n"
                            .getBytes(StandardCharsets.UTF_8);
                    ex.sendResponseHeaders(200, one.length);
                    ex.getResponseBody().write(one);
                    ex.close();
                });
                BatchesClient client = new BatchesClient(
                        account(stub.baseUrl(), Optional.empty()), FAST, new SimpleMeterRegistry(), Clock.systemUTC());
                ResultStream results = client.results(retrievedEndedBatch(), readAhead)) {
            assertThat(results.next().customId()).isEqualTo("a");
            assertThatThrownBy(results::hasNext).isInstanceOfSatisfying(BatchesApiException.class, e -> {
                assertThat(e.errorType()).isEqualTo(BatchesApiException.STREAM_BROKEN);
                assertThat(e.getMessage()).contains("ended after 1 of 2 lines");
            });
        }
    }

    @Test
    @Timeout(20)
    void aCreateWhoseConnectionWasRefusedIsRetriedOnceTheServerIsUp() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        List<Duration> waits = new CopyOnWriteArrayList<>();
        List<StubServer> started = new ArrayList<>();
        int freePort = port;
        Sleeper startServerOnSecondWait = d -> {
            waits.add(d);
            if (waits.size() == 2) {
                started.add(new StubServer(freePort, ex -> StubServer.respond(ex, 200, StubServer.BATCH_JSON)));
            }
        };
        try (BatchesClient client = new BatchesClient(
                account(URI.create("http://127.0.0.1:" + port), Optional.empty()),
                FAST,
                new SimpleMeterRegistry(),
                Clock.systemUTC(),
                startServerOnSecondWait)) {
            MessageBatch batch = client.create(oneRequest(), List.of());
            assertThat(batch.id()).isEqualTo("msgbatch_1");
            assertThat(waits).hasSize(2);
            assertThat(waits.get(0)).isBetween(Duration.ofMillis(75), Duration.ofMillis(100));
            assertThat(waits.get(1)).isBetween(Duration.ofMillis(150), Duration.ofMillis(200));
        } finally {
            started.forEach(StubServer::close);
        }
    }

    @Test
    void resultsUrlIsUsedOnlyOnTheAccountsOrigin() {
        try (BatchesClient client = new BatchesClient(
                account(URI.create("http://127.0.0.1:9"), Optional.empty()),
                FAST,
                new SimpleMeterRegistry(),
                Clock.systemUTC())) {
            MessageBatch same = withResultsUrl("http://127.0.0.1:9/v1/messages/batches/msgbatch_1/results?x=1");
            MessageBatch foreign = withResultsUrl("https://evil.example/v1/messages/batches/msgbatch_1/results");
            MessageBatch none = withResultsUrl(null);
            assertThat(client.resultsUri(same)).hasToString(same.resultsUrl());
            assertThat(client.resultsUri(foreign))
                    .hasToString("http://127.0.0.1:9/v1/messages/batches/msgbatch_1/results");
            assertThat(client.resultsUri(none))
                    .hasToString("http://127.0.0.1:9/v1/messages/batches/msgbatch_1/results");
        }
    }

    @Test
    void batchIdsAreCheckedBeforeTheyBecomePathSegments() {
        try (BatchesClient client = new BatchesClient(
                account(URI.create("http://127.0.0.1:9"), Optional.empty()),
                FAST,
                new SimpleMeterRegistry(),
                Clock.systemUTC())) {
            assertThatThrownBy(() -> client.retrieve("../../v1/other")).isInstanceOf(IllegalArgumentException.class);
        }
    }

    private static MessageBatch withResultsUrl(String url) {
        return new MessageBatch("msgbatch_1", "ended", RequestCounts.ZERO, null, null, null, null, null, url);
    }

    private static MessageBatch retrievedEndedBatch() {
        return new MessageBatch(
                "msgbatch_1", "ended", new RequestCounts(0, 0, 0, 2, 0), null, null, null, null, null, null);
    }
}
