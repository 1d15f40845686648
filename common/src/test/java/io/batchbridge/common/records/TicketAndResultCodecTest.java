package io.batchbridge.common.records;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.batchbridge.common.json.Json;
import io.batchbridge.common.model.TokenUsage;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TicketAndResultCodecTest {
    private static final List<String> SOURCES = List.of("bridge.requests", "bridge.retry");

    @Test
    void ticketRoundTripsItsItemsWithOriginsAndMetadata() {
        TicketItem fresh = new TicketItem(
                TicketItem.batchCustomId(0, 2, 41), "user-1", null, 1, null, new Coordinates("bridge.requests", 2, 41));
        TicketItem retried = new TicketItem(
                TicketItem.batchCustomId(1, 0, 7),
                "user-2",
                "team-a.results",
                3,
                "{\"k\":[1,\"ü\"]}".getBytes(UTF_8),
                new Coordinates("bridge.requests", 5, 900));
        Ticket t = new Ticket(
                "msgbatch_1",
                "default",
                List.of("output-300k-2026-03-24"),
                Instant.parse("2026-11-22T10:00:00.123456Z"),
                Instant.parse("2026-11-23T10:00:00.123456Z"),
                2,
                0,
                1,
                SOURCES,
                List.of(fresh, retried));

        Ticket back = TicketCodec.read(TicketCodec.write(t));

        assertThat(back.batchId()).isEqualTo("msgbatch_1");
        assertThat(back.betas()).containsExactly("output-300k-2026-03-24");
        assertThat(back.createdAt()).isEqualTo(t.createdAt());
        assertThat(back.items()).hasSize(2);
        assertThat(back.items().get(0).origin()).isEqualTo(new Coordinates("bridge.requests", 2, 41));
        assertThat(back.items().get(1).origin()).isEqualTo(new Coordinates("bridge.requests", 5, 900));
        assertThat(back.items().get(1).source(back.sources())).isEqualTo(new Coordinates("bridge.retry", 0, 7));
        assertThat(back.items().get(1).attempt()).isEqualTo(3);
        assertThat(back.items().get(1).replyTo()).isEqualTo("team-a.results");
        assertThat(new String(back.items().get(1).metadata(), UTF_8)).isEqualTo("{\"k\":[1,\"ü\"]}");
    }

    @Test
    void batchCustomIdIsValidForTheApiAtTheLargestCoordinates() {
        String id = TicketItem.batchCustomId(999, Integer.MAX_VALUE, Long.MAX_VALUE);
        assertThat(id).matches(EnvelopeCodec.CUSTOM_ID);
    }

    @Test
    void garbageOnTheBatchesTopicIsNotATicket() {
        assertThatThrownBy(() -> TicketCodec.read("{\"x\":1}".getBytes(UTF_8)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("batch_id and items are required");
        assertThatThrownBy(() -> TicketCodec.read("nope".getBytes(UTF_8))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void resultRecordEmbedsTheMessageBytesUntouched() throws Exception {
        byte[] message =
                "{\"id\":\"msg_1\",\"content\":[{\"type\":\"text\",\"text\":\"é \\u0000\"}],\"stop_reason\":\"max_tokens\"}"
                        .getBytes(UTF_8);
        ResultRecord r = new ResultRecord(
                "user-1",
                "msgbatch_1",
                "claude-opus-4-6",
                "max_tokens",
                new TokenUsage(10, 20, 3, 4, 5),
                0.123456789,
                2,
                "{\"a\":1}".getBytes(UTF_8),
                Instant.EPOCH,
                Instant.EPOCH,
                Instant.EPOCH);

        byte[] json = r.toJson(message);
        JsonNode n = Json.MAPPER.readTree(json);

        assertThat(new String(json, UTF_8)).endsWith(",\"message\":" + new String(message, UTF_8) + "}");
        assertThat(n.path("truncated").asBoolean()).isTrue();
        assertThat(n.path("usage").path("cache_creation_input_tokens").asLong()).isEqualTo(7);
        assertThat(n.path("cost_usd").asDouble()).isEqualTo(0.12345679);
        assertThat(n.path("metadata").path("a").asInt()).isEqualTo(1);
        assertThat(n.path("message").path("id").asText()).isEqualTo("msg_1");
    }

    @Test
    void batchEventRoundTrips() {
        BatchEvent e = new BatchEvent(
                BatchEvent.Type.ENDED,
                "msgbatch_1",
                "default",
                List.of(),
                3,
                Map.of("succeeded", 2L, "errored", 1L),
                Instant.parse("2026-11-22T10:00:00Z"),
                Map.of("duration_ms", 42L));

        BatchEvent back = BatchEvent.fromJson(e.toJson());

        assertThat(back).isEqualTo(e);
    }
}
