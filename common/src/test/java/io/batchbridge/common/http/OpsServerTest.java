package io.batchbridge.common.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.batchbridge.common.json.Json;
import io.batchbridge.common.lifecycle.RoleState;
import io.batchbridge.common.metrics.BridgeMetric;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class OpsServerTest {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private OpsServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void servesPrometheusTextOnAFreePort() throws Exception {
        BridgeMetric.WORKER_RESULTS.counter(registry, "succeeded").increment(3);
        server = OpsServer.builder(registry)
                .settings(new OpsSettings("127.0.0.1", 0))
                .start();

        HttpResponse<String> r = get("/metrics");

        assertThat(server.port()).isPositive();
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).contains("text/plain; version=0.0.4; charset=utf-8");
        assertThat(r.body()).contains("bridge_worker_results_total{result=\"succeeded\"} 3.0");
    }

    @Test
    void readinessFlipsWithItsChecksAndNamesEveryFailingReason() throws Exception {
        AtomicBoolean kafka = new AtomicBoolean(true);
        AtomicBoolean breakerClosed = new AtomicBoolean(true);
        server = OpsServer.builder(registry)
                .settings(new OpsSettings("127.0.0.1", 0))
                .readiness(ReadinessCheck.of(ReadinessCheck.KAFKA_UNREACHABLE, kafka::get))
                .readiness(ReadinessCheck.of(ReadinessCheck.API_CIRCUIT_OPEN, breakerClosed::get))
                .start();

        HttpResponse<String> ready = get("/health/ready");
        assertThat(ready.statusCode()).isEqualTo(200);
        assertThat(json(ready).path("status").asText()).isEqualTo("ready");

        kafka.set(false);
        breakerClosed.set(false);
        HttpResponse<String> notReady = get("/health/ready");
        assertThat(notReady.statusCode()).isEqualTo(503);
        assertThat(notReady.headers().firstValue("Content-Type")).contains("application/json");
        assertThat(notReady.body())
                .isEqualTo("{\"status\":\"not_ready\",\"reasons\":[\"kafka_unreachable\",\"api_circuit_open\"]}");

        kafka.set(true);
        assertThat(json(get("/health/ready")).path("reasons").get(0).asText()).isEqualTo("api_circuit_open");
        breakerClosed.set(true);
        assertThat(get("/health/ready").statusCode()).isEqualTo(200);
        // Liveness does not depend on readiness.
        assertThat(get("/health/live").statusCode()).isEqualTo(200);
    }

    @Test
    void aThrowingCheckMeansNotReadyRatherThanAnError() throws Exception {
        server = OpsServer.builder(registry)
                .settings(new OpsSettings("127.0.0.1", 0))
                .readiness(() -> {
                    throw new IllegalStateException("boom");
                })
                .start();

        HttpResponse<String> r = get("/health/ready");

        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(json(r).path("reasons").get(0).asText()).isEqualTo("check_error");
    }

    @Test
    void roleStateDrivesLivenessAndReadiness() throws Exception {
        AtomicReference<RoleState> state = new AtomicReference<>(RoleState.STARTING);
        server = OpsServer.builder(registry)
                .settings(new OpsSettings("127.0.0.1", 0))
                .roleState(state::get)
                .start();

        assertThat(get("/health/live").statusCode()).isEqualTo(200);
        HttpResponse<String> starting = get("/health/ready");
        assertThat(starting.statusCode()).isEqualTo(503);
        assertThat(json(starting).path("reasons").get(0).asText()).isEqualTo("state_starting");

        state.set(RoleState.RUNNING);
        assertThat(get("/health/ready").statusCode()).isEqualTo(200);

        state.set(RoleState.FAILED);
        HttpResponse<String> failed = get("/health/live");
        assertThat(failed.statusCode()).isEqualTo(503);
        assertThat(json(failed).path("status").asText()).isEqualTo("not_live");
        assertThat(get("/health/ready").statusCode()).isEqualTo(503);
    }

    @Test
    void unknownPathsAre404AndOtherMethods405() throws Exception {
        server = OpsServer.builder(registry)
                .settings(new OpsSettings("127.0.0.1", 0))
                .start();

        assertThat(get("/metricsx").statusCode()).isEqualTo(404);
        assertThat(get("/").statusCode()).isEqualTo(404);
        HttpResponse<String> post = http.send(
                HttpRequest.newBuilder(server.baseUri().resolve("/metrics"))
                        .timeout(Duration.ofSeconds(5))
                        .POST(HttpRequest.BodyPublishers.ofString("x"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(post.statusCode()).isEqualTo(405);
        assertThat(post.headers().firstValue("Allow")).contains("GET, HEAD");
    }

    @Test
    void aDisabledPortRefusesToStartAndABusyPortSaysWhich() {
        assertThatThrownBy(() -> OpsServer.builder(registry)
                        .settings(new OpsSettings("127.0.0.1", -1))
                        .start())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("bridge.http.port is -1");

        server = OpsServer.builder(registry)
                .settings(new OpsSettings("127.0.0.1", 0))
                .start();
        int taken = server.port();
        assertThatThrownBy(() -> OpsServer.builder(registry)
                        .settings(new OpsSettings("127.0.0.1", taken))
                        .start())
                .hasMessageContaining("cannot bind the ops server to 127.0.0.1:" + taken);
    }

    /**
     * Slow clients that send half a request and then nothing must not starve the probes: the probe is answered
     * while every one of them is still open and unanswered (the idle timeout is far away). On the JDK server with
     * two blocking threads this hung until the timeout.
     */
    @Test
    void probesAreAnsweredWhileSlowClientsHoldHalfSentRequests() throws Exception {
        server = OpsServer.builder(registry)
                .settings(new OpsSettings("127.0.0.1", 0).withIdleTimeout(Duration.ofMinutes(10)))
                .start();
        List<SocketChannel> slow = new ArrayList<>();
        try {
            for (int i = 0; i < 8; i++) {
                slow.add(halfSentRequest());
            }

            assertThat(getWithoutTimeout("/health/live").statusCode()).isEqualTo(200);

            for (SocketChannel c : slow) {
                c.configureBlocking(false);
                assertThat(c.read(ByteBuffer.allocate(1)))
                        .as("a slow client is still open and unanswered")
                        .isZero();
            }
        } finally {
            closeAll(slow);
        }
    }

    @Test
    void aConnectionHoldingHalfARequestIsClosedAfterTheIdleTimeout() throws Exception {
        server = OpsServer.builder(registry)
                .settings(new OpsSettings("127.0.0.1", 0).withIdleTimeout(Duration.ofMillis(200)))
                .start();

        try (SocketChannel slow = halfSentRequest()) {
            // Blocks until the server closes the connection (it may say 408 first); hangs if it never does.
            drainToEndOfStream(slow);
        }
        assertThat(get("/health/live").statusCode()).isEqualTo(200);
    }

    /**
     * At the connection limit the server closes the silent connections it holds, however far their idle timeout
     * is, so a probe queued behind them is still answered.
     */
    @Test
    void atTheConnectionLimitSilentConnectionsMakeRoomForProbes() throws Exception {
        server = OpsServer.builder(registry)
                .settings(new OpsSettings("127.0.0.1", 0)
                        .withIdleTimeout(Duration.ofMinutes(10))
                        .withMaxConnections(2))
                .start();
        List<SocketChannel> slow = new ArrayList<>();
        try {
            for (int i = 0; i < 4; i++) {
                slow.add(halfSentRequest());
            }

            assertThat(getWithoutTimeout("/health/live").statusCode()).isEqualTo(200);

            drainToEndOfStream(slow.get(0));
        } finally {
            closeAll(slow);
        }
    }

    @Test
    void headAnswersTheStatusWithoutABody() throws Exception {
        server = OpsServer.builder(registry)
                .settings(new OpsSettings("127.0.0.1", 0))
                .start();

        HttpResponse<String> head = http.send(
                HttpRequest.newBuilder(server.baseUri().resolve("/health/live"))
                        .timeout(Duration.ofSeconds(5))
                        .method("HEAD", HttpRequest.BodyPublishers.noBody())
                        .build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.body()).isEmpty();
    }

    private SocketChannel halfSentRequest() throws IOException {
        SocketChannel c = SocketChannel.open(new InetSocketAddress("127.0.0.1", server.port()));
        c.write(ByteBuffer.wrap("GET /health/live HTTP/1.1\r\nHost: ops".getBytes(StandardCharsets.US_ASCII)));
        return c;
    }

    private static void drainToEndOfStream(SocketChannel c) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(4096);
        while (c.read(buf) >= 0) {
            buf.clear();
        }
    }

    private static void closeAll(List<SocketChannel> channels) throws IOException {
        for (SocketChannel c : channels) {
            c.close();
        }
    }

    /** No request timeout: on a starved server this waits for the test's own timeout. */
    private HttpResponse<String> getWithoutTimeout(String path) throws IOException, InterruptedException {
        return http.send(
                HttpRequest.newBuilder(server.baseUri().resolve(path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(
                HttpRequest.newBuilder(server.baseUri().resolve(path))
                        .timeout(Duration.ofSeconds(5))
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode json(HttpResponse<String> r) throws IOException {
        return Json.MAPPER.readTree(r.body());
    }
}
