package io.batchbridge.common.records;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.batchbridge.common.json.Json;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Forged tickets: everything the worker would size, index or name by is checked before a Ticket exists. */
class TicketCodecTest {

    private static ObjectNode good() throws Exception {
        TicketItem a = new TicketItem("s0-p0-o7", "user-1", "team-a.results", 2, "{\"k\":1}".getBytes(UTF_8), null);
        TicketItem b = new TicketItem("s1-p3-o9", "user-2", null, 1, null, new Coordinates("bridge.requests", 0, 4));
        Ticket t = new Ticket(
                "msgbatch_01abc",
                "default",
                List.of("output-300k-2026-03-24"),
                Instant.parse("2026-11-22T10:00:00Z"),
                Instant.parse("2026-11-23T10:00:00Z"),
                4,
                0,
                2,
                List.of("bridge.requests", "bridge.retry"),
                List.of(a, b));
        return (ObjectNode) Json.MAPPER.readTree(TicketCodec.write(t));
    }

    private static ObjectNode item(ObjectNode t) {
        return (ObjectNode) t.withArray("items").get(0);
    }

    private static Arguments forged(String name, Consumer<ObjectNode> change) {
        return Arguments.of(name, change);
    }

    static Stream<Arguments> forgedTickets() {
        return Stream.of(
                forged("two billion parts", t -> t.put("parts", 2_000_000_000)),
                forged("parts as a string", t -> t.put("parts", "2")),
                forged("zero parts", t -> t.put("parts", 0)),
                forged("more parts than requests", t -> t.put("parts", 5)),
                forged("part out of range", t -> t.put("part", 2)),
                forged("negative part", t -> t.put("part", -1)),
                forged("request_count over the API limit", t -> t.put("request_count", 100_001)),
                forged("request_count beyond int", t -> t.put("request_count", 10_000_000_000L)),
                forged("request_count fractional", t -> t.put("request_count", 2.5)),
                forged("request_count missing", t -> t.remove("request_count")),
                forged(
                        "more items than requests",
                        t -> t.put("request_count", 1).put("parts", 1)),
                forged("no items", t -> t.putArray("items")),
                forged("unknown version", t -> t.put("v", 2)),
                forged("batch id with escapes", t -> t.put("batch_id", "msgbatch_\u001b[2J\nforged")),
                forged("batch id of a path", t -> t.put("batch_id", "../../v1/messages")),
                forged("batch id too long", t -> t.put("batch_id", "m".repeat(129))),
                forged("account with a space", t -> t.put("account", "a b")),
                forged("beta not a string", t -> t.putArray("betas").add(5)),
                forged("created_at garbage", t -> t.put("created_at", "yesterday")),
                forged("no sources", t -> t.putArray("sources")),
                forged(
                        "illegal source topic",
                        t -> t.putArray("sources").add("bad topic").add("x")),
                forged("source index out of range", t -> item(t).put("b", "s2-p0-o0")),
                forged("partition beyond int", t -> item(t).put("b", "s0-p99999999999-o0")),
                forged("offset beyond long", t -> item(t).put("b", "s0-p0-o99999999999999999999")),
                forged("b not coordinates", t -> item(t).put("b", "x")),
                forged("b twice", t -> ((ObjectNode) t.withArray("items").get(1)).put("b", "s0-p0-o7")),
                forged("custom id with a newline", t -> item(t).put("c", "a\nb")),
                forged("custom id missing", t -> item(t).remove("c")),
                forged("attempt zero", t -> item(t).put("a", 0)),
                forged("reply_to not a string", t -> item(t).put("r", 5)),
                forged("attempt beyond int", t -> item(t).put("a", 3_000_000_000L)),
                forged("metadata not an object", t -> item(t).put("m", 5)),
                forged(
                        "shares its own answer",
                        t -> item(t).put("d", item(t).get("b").asText())),
                forged("shares the answer of no coordinates", t -> item(t).put("d", "x\u001b")),
                forged("shares the answer of a source out of range", t -> item(t).put("d", "s9-p0-o0")),
                forged("shares the answer of a number", t -> item(t).put("d", 5)),
                forged("attempt limit zero", t -> item(t).put("x", 0)),
                forged("attempt limit over the ceiling", t -> item(t).put("x", 101)),
                forged("attempt limit beyond int", t -> item(t).put("x", 3_000_000_000L)),
                forged("attempt limit fractional", t -> item(t).put("x", 2.5)),
                forged("attempt limit as a string", t -> item(t).put("x", "3")),
                forged(
                        "origin short",
                        t -> ((ObjectNode) t.withArray("items").get(1))
                                .putArray("o")
                                .add("bridge.requests")),
                forged(
                        "item not an object",
                        t -> t.withArray("items")
                                .set(0, Json.MAPPER.getNodeFactory().textNode("x"))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("forgedTickets")
    void rejectsAForgedTicketWithOneBoundedPrintableLine(String name, Consumer<ObjectNode> change) throws Exception {
        ObjectNode t = good();
        change.accept(t);
        byte[] bytes = Json.MAPPER.writeValueAsBytes(t);

        assertThatThrownBy(() -> TicketCodec.read(bytes))
                .isInstanceOf(IllegalArgumentException.class)
                .satisfies(e -> {
                    assertThat(e.getMessage()).hasSizeLessThan(400);
                    assertThat(Echo.needsEscape(e.getMessage().replace("\\", "")))
                            .as("no control character in " + e.getMessage())
                            .isFalse();
                });
    }

    @Test
    void readsBackWhatTheSubmitterWrites() throws Exception {
        Ticket t = TicketCodec.read(Json.MAPPER.writeValueAsBytes(good()));

        assertThat(t.parts()).isEqualTo(2);
        assertThat(t.items()).extracting(TicketItem::customId).containsExactly("user-1", "user-2");
        assertThat(t.items().get(0).origin()).isEqualTo(new Coordinates("bridge.requests", 0, 7));
        assertThat(t.items().get(1).origin()).isEqualTo(new Coordinates("bridge.requests", 0, 4));
        assertThat(t.items().get(0).replyTo()).isEqualTo("team-a.results");
    }

    /** Issue #19: the submitter's attempt limit travels in each item; an item written before it did reads as 0. */
    @Test
    void carriesEachItemsAttemptLimitAndReadsAnOlderTicketWithoutOne() throws Exception {
        ObjectNode older = good(); // items as a submitter wrote them before the limit was carried
        assertThat(item(older).has("x")).isFalse();
        assertThat(TicketCodec.read(Json.MAPPER.writeValueAsBytes(older)).items())
                .extracting(TicketItem::maxAttempts)
                .containsExactly(0, 0);

        TicketItem two = new TicketItem("s0-p0-o1", "a", null, 1, null, null, 2);
        TicketItem five = new TicketItem("s0-p0-o2", "b", null, 3, null, null, 5);
        Ticket t = new Ticket(
                "msgbatch_1",
                "default",
                List.of(),
                Instant.parse("2026-11-22T10:00:00Z"),
                Instant.parse("2026-11-23T10:00:00Z"),
                2,
                0,
                1,
                List.of("bridge.requests"),
                List.of(two, five));
        byte[] bytes = TicketCodec.write(t);
        assertThat(new String(bytes, UTF_8)).contains("\"x\":2").contains("\"a\":3,\"x\":5");

        Ticket back = TicketCodec.read(bytes);
        assertThat(back.items()).extracting(TicketItem::maxAttempts).containsExactly(2, 5);
        assertThat(back.items()).extracting(TicketItem::attempt).containsExactly(1, 3);
        assertThat(TicketCodec.itemBytes(two, t.sources()))
                .isEqualTo(TicketCodec.itemBytes(new TicketItem("s0-p0-o1", "a", null, 1, null, null), t.sources())
                        + ",\"x\":2".length());
    }

    @Test
    void keepsAnItemWhoseRequestFieldsAreHostileForTheWorkerToDeadLetterAlone() throws Exception {
        ObjectNode t = good();
        item(t).put("r", "results nope\u001b[2J").put("a", Integer.MAX_VALUE);
        ((ObjectNode) t.withArray("items").get(1))
                .putArray("o")
                .add("\u0000")
                .add(-1)
                .add(-5);

        Ticket back = TicketCodec.read(Json.MAPPER.writeValueAsBytes(t));

        assertThat(back.items().get(0).replyTo()).isEqualTo("results nope\u001b[2J");
        assertThat(back.items().get(0).attempt()).isEqualTo(Integer.MAX_VALUE);
        assertThat(back.items().get(1).origin()).isEqualTo(new Coordinates("\u0000", -1, -5));
    }

    @Test
    void rejectsWhatIsNotATicketObject() {
        for (String s : List.of("[]", "\"x\"", "null", "{\"batch_id\":\"b\",\"items\":{}}", "{", "")) {
            assertThatThrownBy(() -> TicketCodec.read(s.getBytes(UTF_8)))
                    .as(s)
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void aMalformedRecordIsNotEchoedWhole() {
        byte[] junk = ("{\"batch_id\":\"" + "\u001b".repeat(10) + "x".repeat(100_000)).getBytes(UTF_8);
        assertThatThrownBy(() -> TicketCodec.read(junk))
                .isInstanceOf(IllegalArgumentException.class)
                .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(600));
    }

    @Test
    void anyMutationOfATicketIsATicketWithinBoundsOrAnIllegalArgument() throws Exception {
        byte[] good = Json.MAPPER.writeValueAsBytes(good());
        byte[] alphabet = "0123456789-+.eE\"{}[],:sSpo \u0000\\9".getBytes(UTF_8);
        Random random = new Random(17);
        int tickets = 0;
        for (int n = 0; n < 20_000; n++) {
            byte[] b = good.clone();
            for (int k = 1 + random.nextInt(3); k > 0; k--) {
                b[random.nextInt(b.length)] = alphabet[random.nextInt(alphabet.length)];
            }
            try {
                Ticket t = TicketCodec.read(b);
                tickets++;
                assertThat(t.parts()).isBetween(1, t.requestCount());
                assertThat(t.part()).isBetween(0, t.parts() - 1);
                assertThat(t.items()).hasSizeBetween(1, t.requestCount());
                assertThat(t.requestCount()).isBetween(1, 100_000);
            } catch (IllegalArgumentException expected) {
                assertThat(expected.getMessage()).hasSizeLessThan(600);
            }
        }
        assertThat(tickets).as("some mutations still make valid tickets").isPositive();
    }

    @Test
    void anItemSharingAnothersAnswerStaysInAVersion1TicketThatOlderWorkersStillRead() {
        TicketItem answered = new TicketItem("s0-p0-o1", "a", null, 1, null, null);
        TicketItem sharing = new TicketItem("s0-p0-o2", "b", "out.b", 1, null, null).sharing("s0-p0-o1");
        Instant at = Instant.parse("2026-12-03T10:00:00Z");
        Ticket plain =
                new Ticket("msgbatch_1", "default", List.of(), at, at, 1, 0, 1, List.of("req"), List.of(answered));
        Ticket both = new Ticket(
                "msgbatch_1", "default", List.of(), at, at, 2, 0, 1, List.of("req"), List.of(answered, sharing));

        assertThat(new String(TicketCodec.write(plain), UTF_8))
                .contains("\"v\":1")
                .doesNotContain("\"d\"");
        // an older worker refuses any other version, and would skip the whole ticket
        assertThat(new String(TicketCodec.write(both), UTF_8))
                .contains("\"v\":1")
                .contains("\"d\":\"s0-p0-o1\"");
        assertThat(TicketCodec.read(TicketCodec.write(both)).items())
                .extracting(TicketItem::sharedWith)
                .containsExactly(null, "s0-p0-o1");
    }

    @Test
    void anItemSharingItsOwnAnswerOrAMalformedIdIsRefused() throws Exception {
        ObjectNode self = good();
        item(self).put("d", item(self).get("b").asText());
        assertThatThrownBy(() -> TicketCodec.read(Json.MAPPER.writeValueAsBytes(self)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("its own answer");
        ObjectNode junk = good();
        item(junk).put("d", "not an id");
        assertThatThrownBy(() -> TicketCodec.read(Json.MAPPER.writeValueAsBytes(junk)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
