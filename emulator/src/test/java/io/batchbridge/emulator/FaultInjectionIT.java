package io.batchbridge.emulator;

import static io.batchbridge.emulator.RawHttp.batch;
import static io.batchbridge.emulator.RawHttp.item;
import static io.batchbridge.emulator.RawHttp.json;
import static io.batchbridge.emulator.RawHttp.post;
import static io.batchbridge.emulator.RawHttp.send;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Injected faults as a client sees them on the wire, configured through the Java API and the admin endpoint. */
@Timeout(60)
class FaultInjectionIT {
    static Emulator emulator;

    @BeforeAll
    static void start() {
        emulator = Emulator.builder().build().start();
    }

    @AfterAll
    static void stop() {
        emulator.close();
    }

    @AfterEach
    void clear() {
        emulator.faults().clear();
    }

    private static String endedBatch() {
        String id = json(post(emulator, "/v1/messages/batches", batch(item("a", "claude-sonnet-4-6", 500, "hi")))
                        .body())
                .get("id")
                .asText();
        emulator.advance(Duration.ofHours(1));
        return id;
    }

    @Test
    void rateLimitFaultCarriesRetryAfterHeadersAndTheErrorBody() {
        emulator.faults()
                .script(
                        Endpoint.LIST,
                        Fault.status(429)
                                .withRetryAfter(Duration.ofMillis(1500))
                                .withShouldRetry(true));
        HttpResponse<String> r = send(RawHttp.get(emulator, "/v1/messages/batches"));
        assertThat(r.statusCode()).isEqualTo(429);
        assertThat(r.headers().firstValue("retry-after")).contains("2");
        assertThat(r.headers().firstValue("retry-after-ms")).contains("1500");
        assertThat(r.headers().firstValue("x-should-retry")).contains("true");
        assertThat(json(r.body()).at("/error/type").asText()).isEqualTo("rate_limit_error");
        assertThat(send(RawHttp.get(emulator, "/v1/messages/batches")).statusCode())
                .isEqualTo(200);
    }

    @Test
    void scriptedFaultsComeInOrderThenNormalService() {
        emulator.faults().script(Endpoint.ANY, Fault.status(500), Fault.status(529), Fault.status(401));
        assertThat(send(RawHttp.get(emulator, "/v1/messages/batches")).statusCode())
                .isEqualTo(500);
        HttpResponse<String> overloaded = send(RawHttp.get(emulator, "/v1/messages/batches"));
        assertThat(overloaded.statusCode()).isEqualTo(529);
        assertThat(json(overloaded.body()).at("/error/type").asText()).isEqualTo("overloaded_error");
        HttpResponse<String> unauthorized = send(RawHttp.get(emulator, "/v1/messages/batches"));
        assertThat(json(unauthorized.body()).at("/error/type").asText()).isEqualTo("authentication_error");
        assertThat(send(RawHttp.get(emulator, "/v1/messages/batches")).statusCode())
                .isEqualTo(200);
    }

    @Test
    void dropMidStreamCutsTheResultsAfterTheGivenBytes() throws Exception {
        String id = endedBatch();
        emulator.faults().script(Endpoint.RESULTS, Fault.dropMidStream(100));
        HttpRequest get = RawHttp.get(emulator, "/v1/messages/batches/" + id + "/results");
        HttpResponse<InputStream> r = HttpClient.newHttpClient().send(get, HttpResponse.BodyHandlers.ofInputStream());
        assertThat(r.statusCode()).isEqualTo(200);
        byte[] buf = new byte[1 << 16];
        long[] received = new long[1];
        assertThatThrownBy(() -> {
                    try (InputStream in = r.body()) {
                        int n;
                        while ((n = in.read(buf)) > 0) {
                            received[0] += n;
                        }
                    }
                })
                .isInstanceOf(IOException.class);
        assertThat(received[0]).isEqualTo(100);
        assertThat(send(get).body()).endsWith("}}}}\n");
    }

    @Test
    void droppedConnectionGivesTheClientNoResponse() {
        // A POST, because java.net.http silently retries an idempotent GET once on a closed connection.
        emulator.faults().script(Endpoint.CREATE, Fault.dropConnection());
        HttpRequest create = RawHttp.request(emulator, "/v1/messages/batches")
                .POST(HttpRequest.BodyPublishers.ofString(batch(item("a", "claude-sonnet-4-6", 5, "hi"))))
                .build();
        assertThatThrownBy(() -> HttpClient.newHttpClient().send(create, HttpResponse.BodyHandlers.ofString()))
                .isInstanceOf(IOException.class);
    }

    @Test
    void slowFaultDelaysTheNormalAnswer() {
        emulator.faults().script(Endpoint.LIST, Fault.slow(Duration.ofMillis(300)));
        long start = System.nanoTime();
        assertThat(send(RawHttp.get(emulator, "/v1/messages/batches")).statusCode())
                .isEqualTo(200);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
    }

    @Test
    void ratesApplyPerEndpointAndCanBeRemoved() {
        emulator.faults().rate(Endpoint.CREATE, FaultKind.HTTP_500, 1.0);
        assertThat(send(RawHttp.get(emulator, "/v1/messages/batches")).statusCode())
                .isEqualTo(200);
        assertThat(post(emulator, "/v1/messages/batches", "{}").statusCode()).isEqualTo(500);
        emulator.faults().rate(Endpoint.CREATE, FaultKind.HTTP_500, 0);
        assertThat(post(emulator, "/v1/messages/batches", "{}").statusCode()).isEqualTo(400);
    }

    @Test
    void adminEndpointReplacesShowsAndClearsFaultsWhileRunning() {
        HttpRequest put = RawHttp.bare(emulator, "/_emulator/faults")
                .POST(HttpRequest.BodyPublishers.ofString("list:529=1.0,results:drop_mid_stream@10=0.5"))
                .build();
        HttpResponse<String> set = send(put);
        assertThat(set.statusCode()).isEqualTo(200);
        assertThat(json(set.body()).get("spec").asText()).contains("list:529=1.0");
        long before = emulator.faults().injectedCount();
        assertThat(send(RawHttp.get(emulator, "/v1/messages/batches")).statusCode())
                .isEqualTo(529);
        assertThat(emulator.faults().injectedCount()).isEqualTo(before + 1);

        HttpResponse<String> bad = send(RawHttp.bare(emulator, "/_emulator/faults")
                .POST(HttpRequest.BodyPublishers.ofString("list:teapot=1"))
                .build());
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(json(bad.body()).at("/error/message").asText()).contains("unknown fault kind 'teapot'");

        send(RawHttp.bare(emulator, "/_emulator/faults").DELETE().build());
        assertThat(send(RawHttp.get(emulator, "/v1/messages/batches")).statusCode())
                .isEqualTo(200);
    }

    @Test
    void adminEndpointAdvancesSimulatedTime() {
        String id = json(post(emulator, "/v1/messages/batches", batch(item("a", "claude-sonnet-4-6", 10, "hi")))
                        .body())
                .get("id")
                .asText();
        send(RawHttp.bare(emulator, "/_emulator/clock/advance?seconds=3600")
                .POST(HttpRequest.BodyPublishers.noBody())
                .build());
        assertThat(json(send(RawHttp.get(emulator, "/v1/messages/batches/" + id))
                                .body())
                        .get("processing_status")
                        .asText())
                .isEqualTo("ended");
    }

    @Test
    void faultsGivenAtBuildTimeApplyFromTheFirstCall() {
        try (Emulator faulty = Emulator.builder().faults("any:401=1").build().start()) {
            HttpResponse<String> r = send(RawHttp.get(faulty, "/v1/messages/batches"));
            assertThat(r.statusCode()).isEqualTo(401);
            assertThat(faulty.faults().injectedCount()).isEqualTo(1);
        }
    }
}
