package io.batchbridge.emulator;

import static io.batchbridge.emulator.RawHttp.batch;
import static io.batchbridge.emulator.RawHttp.item;
import static io.batchbridge.emulator.RawHttp.json;
import static io.batchbridge.emulator.RawHttp.post;
import static io.batchbridge.emulator.RawHttp.send;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.batchbridge.common.testing.ManualClock;
import java.net.http.HttpRequest;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Simulated processing on an injected clock: progressive counters, expiry, cancel, time scale, poll hints. */
@Timeout(30)
class LifecycleIT {
    private static final String START = "2026-11-01T10:00:00.123456Z";

    static JsonNode retrieve(Emulator e, String id) {
        return json(send(RawHttp.get(e, "/v1/messages/batches/" + id)).body());
    }

    static String twoRequestBatch(Emulator e) {
        return json(post(
                                e,
                                "/v1/messages/batches",
                                batch(
                                        item("fast", "claude-sonnet-4-6", 100, "#emulate duration=10s"),
                                        item("slow", "claude-sonnet-4-6", 100, "#emulate duration=100s")))
                        .body())
                .get("id")
                .asText();
    }

    @Test
    void countersMoveProgressivelyWithTheScaledClock() {
        ManualClock clock = ManualClock.at(START);
        try (Emulator e = Emulator.builder().clock(clock).timeScale(10).build().start()) {
            String id = twoRequestBatch(e);
            assertThat(retrieve(e, id).get("created_at").asText()).isEqualTo("2026-11-01T10:00:00.123456Z");
            clock.advance(Duration.ofSeconds(2)); // 20 simulated seconds
            JsonNode mid = retrieve(e, id);
            assertThat(mid.get("processing_status").asText()).isEqualTo("in_progress");
            assertThat(mid.at("/request_counts/succeeded").asInt()).isEqualTo(1);
            assertThat(mid.at("/request_counts/processing").asInt()).isEqualTo(1);
            clock.advance(Duration.ofSeconds(9));
            JsonNode ended = retrieve(e, id);
            assertThat(ended.get("processing_status").asText()).isEqualTo("ended");
            assertThat(ended.get("ended_at").asText()).isEqualTo("2026-11-01T10:01:40.123456Z");
            assertThat(ended.at("/request_counts/succeeded").asInt()).isEqualTo(2);
        }
    }

    @Test
    void countersCanStayAtProcessingUntilTheEnd() {
        ManualClock clock = ManualClock.at(START);
        try (Emulator e =
                Emulator.builder().clock(clock).progressiveCounts(false).build().start()) {
            String id = twoRequestBatch(e);
            clock.advance(Duration.ofSeconds(50));
            assertThat(retrieve(e, id).at("/request_counts/processing").asInt()).isEqualTo(2);
            clock.advance(Duration.ofSeconds(60));
            assertThat(retrieve(e, id).at("/request_counts/succeeded").asInt()).isEqualTo(2);
        }
    }

    @Test
    void cancelKeepsFinishedRequestsAndCancelsTheRestAfterTheCancelDelay() {
        ManualClock clock = ManualClock.at(START);
        try (Emulator e = Emulator.builder()
                .clock(clock)
                .cancelDelay(Duration.ofSeconds(25))
                .build()
                .start()) {
            String id = twoRequestBatch(e);
            clock.advance(Duration.ofSeconds(30));
            HttpRequest cancel = RawHttp.request(e, "/v1/messages/batches/" + id + "/cancel")
                    .POST(HttpRequest.BodyPublishers.noBody())
                    .build();
            JsonNode canceling = json(send(cancel).body());
            assertThat(canceling.get("processing_status").asText()).isEqualTo("canceling");
            assertThat(canceling.get("cancel_initiated_at").asText()).isEqualTo("2026-11-01T10:00:30.123456Z");
            clock.advance(Duration.ofSeconds(25));
            JsonNode ended = retrieve(e, id);
            assertThat(ended.get("processing_status").asText()).isEqualTo("ended");
            assertThat(ended.at("/request_counts/succeeded").asInt()).isEqualTo(1);
            assertThat(ended.at("/request_counts/canceled").asInt()).isEqualTo(1);
            assertThat(json(send(cancel).body()).get("processing_status").asText())
                    .isEqualTo("ended");
        }
    }

    @Test
    void unfinishedRequestsExpireTwentyFourHoursAfterCreation() {
        ManualClock clock = ManualClock.at(START);
        try (Emulator e =
                Emulator.builder().clock(clock).expireRate(1.0).build().start()) {
            String id = json(post(e, "/v1/messages/batches", batch(item("a", "claude-sonnet-4-6", 100, "hi")))
                            .body())
                    .get("id")
                    .asText();
            clock.advance(Duration.ofHours(23));
            assertThat(retrieve(e, id).get("processing_status").asText()).isEqualTo("in_progress");
            clock.advance(Duration.ofHours(1));
            JsonNode ended = retrieve(e, id);
            assertThat(ended.get("ended_at").asText())
                    .isEqualTo(ended.get("expires_at").asText());
            assertThat(ended.at("/request_counts/expired").asInt()).isEqualTo(1);
            String line = send(RawHttp.get(e, "/v1/messages/batches/" + id + "/results"))
                    .body();
            assertThat(line).isEqualTo("{\"custom_id\":\"a\",\"result\":{\"type\":\"expired\"}}\n");
        }
    }

    /**
     * A time scale compresses how long a batch takes, not when it was created: {@code created_at} is the wall
     * clock (what a client compares with its own clock to recognise its batches), and the other timestamps keep
     * their simulated distance from it.
     */
    @Test
    void aScaledClockReportsCreatedAtOnTheWallClockAndSimulatedDurationsFromIt() {
        ManualClock clock = ManualClock.at(START);
        try (Emulator e =
                Emulator.builder().clock(clock).timeScale(3600).build().start()) {
            clock.advance(Duration.ofSeconds(2)); // two simulated hours pass before the create
            String id = twoRequestBatch(e);
            JsonNode created = retrieve(e, id);
            assertThat(created.get("created_at").asText()).isEqualTo("2026-11-01T10:00:02.123456Z");
            assertThat(created.get("expires_at").asText()).isEqualTo("2026-11-02T10:00:02.123456Z");
            clock.advance(Duration.ofMillis(50)); // 180 simulated seconds: past the slow item's 100 s
            JsonNode ended = retrieve(e, id);
            assertThat(ended.get("processing_status").asText()).isEqualTo("ended");
            assertThat(ended.get("ended_at").asText()).isEqualTo("2026-11-01T10:01:42.123456Z");
        }
    }

    @Test
    void aLongGenerationTakesItsRealisticTimeUnlessTheClockIsScaled() {
        ManualClock clock = ManualClock.at(START);
        try (Emulator e =
                Emulator.builder().clock(clock).timeScale(3600).build().start()) {
            String body = batch(item("long", "claude-opus-4-6", 300_000, "#emulate output_tokens=300000"));
            HttpRequest create = RawHttp.request(e, "/v1/messages/batches")
                    .header("anthropic-beta", "output-300k-2026-03-24")
                    .POST(HttpRequest.BodyPublishers.ofString(body))
                    .build();
            String id = json(send(create).body()).get("id").asText();
            clock.advance(Duration.ofMillis(900)); // 54 simulated minutes: 300k tokens at 80/s need ~62
            assertThat(retrieve(e, id).get("processing_status").asText()).isEqualTo("in_progress");
            clock.advance(Duration.ofMillis(300));
            assertThat(retrieve(e, id).get("processing_status").asText()).isEqualTo("ended");
        }
    }

    @Test
    void pollRetryAfterOfTenSecondsIsSentByDefaultOnlyWhileTheBatchIsUnfinished() {
        ManualClock clock = ManualClock.at(START);
        try (Emulator e = Emulator.builder().clock(clock).build().start()) {
            String id = twoRequestBatch(e);
            var poll = send(RawHttp.get(e, "/v1/messages/batches/" + id));
            assertThat(poll.headers().firstValue("retry-after")).contains("10");
            clock.advance(Duration.ofHours(1));
            assertThat(send(RawHttp.get(e, "/v1/messages/batches/" + id))
                            .headers()
                            .firstValue("retry-after"))
                    .isEmpty();
        }
    }

    @Test
    void pollRetryAfterOfZeroSendsNone() {
        try (Emulator e =
                Emulator.builder().pollRetryAfter(Duration.ZERO).build().start()) {
            String id = twoRequestBatch(e);
            assertThat(send(RawHttp.get(e, "/v1/messages/batches/" + id))
                            .headers()
                            .firstValue("retry-after"))
                    .isEmpty();
        }
    }

    @Test
    void outcomesWithoutDirectivesAreReproducibleForASeed() {
        String[] bodies = new String[2];
        for (int i = 0; i < 2; i++) {
            ManualClock clock = ManualClock.at(START);
            try (Emulator e = Emulator.builder()
                    .clock(clock)
                    .seed(7)
                    .errorRate(0.3)
                    .build()
                    .start()) {
                String[] items = new String[30];
                for (int j = 0; j < items.length; j++) {
                    items[j] = item("r" + j, "claude-sonnet-4-6", 1000, "hello");
                }
                String id = json(post(e, "/v1/messages/batches", batch(items)).body())
                        .get("id")
                        .asText();
                clock.advance(Duration.ofHours(1));
                bodies[i] = send(RawHttp.get(e, "/v1/messages/batches/" + id + "/results"))
                        .body();
            }
        }
        assertThat(bodies[0]).isEqualTo(bodies[1]).contains("\"errored\"").contains("\"succeeded\"");
    }
}
