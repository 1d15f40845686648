package io.batchbridge.common.records;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The prompt prefix fingerprint read while validating: identity up to the last breakpoint, by content. */
class PromptPrefixTest {
    static final String CC = "\"cache_control\":{\"type\":\"ephemeral\"}";
    static final String BIG = "You are a careful assistant. ".repeat(50);

    static PromptPrefix prefix(String params) throws InvalidRecordException {
        return EnvelopeCodec.parse(("{\"custom_id\":\"a\",\"params\":" + params + "}").getBytes(UTF_8))
                .facts()
                .prefix();
    }

    static String params(String model, String system, String messages) {
        return "{\"model\":\"" + model + "\",\"max_tokens\":10" + (system == null ? "" : ",\"system\":" + system)
                + ",\"messages\":" + messages + "}";
    }

    static String systemBlock(String text, String cc) {
        return "[{\"type\":\"text\",\"text\":\"" + text + "\"" + (cc == null ? "" : "," + cc) + "}]";
    }

    static String user(String text) {
        return "[{\"role\":\"user\",\"content\":\"" + text + "\"}]";
    }

    @Test
    void sameCachedPrefixWithDifferentQuestionsHasOneFingerprint() throws Exception {
        PromptPrefix a = prefix(params("m", systemBlock(BIG, CC), user("question one")));
        PromptPrefix b = prefix(params("m", systemBlock(BIG, CC), user("another question entirely")));

        assertThat(a.present()).isTrue();
        assertThat(a.fingerprint()).isEqualTo(b.fingerprint());
    }

    @Test
    void differentPrefixOrModelHasAnotherFingerprint() throws Exception {
        PromptPrefix a = prefix(params("m", systemBlock(BIG, CC), user("q")));

        assertThat(prefix(params("m", systemBlock(BIG + "!", CC), user("q"))).fingerprint())
                .isNotEqualTo(a.fingerprint());
        assertThat(prefix(params("m2", systemBlock(BIG, CC), user("q"))).fingerprint())
                .isNotEqualTo(a.fingerprint());
    }

    @Test
    void cacheControlValuesAndPlacesBeforeTheLastDoNotMatter() throws Exception {
        String twoBlocks = "[{\"type\":\"text\",\"text\":\"a\"%s},{\"type\":\"text\",\"text\":\"" + BIG + "\",%s}]";
        PromptPrefix plain = prefix(params("m", twoBlocks.formatted("", CC), user("q")));
        PromptPrefix oneHour = prefix(params(
                "m",
                twoBlocks.formatted("", "\"cache_control\" : {\"type\":\"ephemeral\",\"ttl\":\"1h\"}"),
                user("q")));
        PromptPrefix earlierToo = prefix(params("m", twoBlocks.formatted("," + CC, CC), user("q")));
        String first = "[{\"type\":\"text\",\"text\":\"a\"},{" + CC + ",\"type\":\"text\",\"text\":\"" + BIG + "\"}]";
        PromptPrefix keyFirst = prefix(params("m", first, user("q")));

        assertThat(plain.present()).isTrue();
        assertThat(oneHour.fingerprint()).isEqualTo(plain.fingerprint());
        assertThat(earlierToo.fingerprint()).isEqualTo(plain.fingerprint());
        assertThat(keyFirst.fingerprint()).isEqualTo(plain.fingerprint());
    }

    @Test
    void noBreakpointNoFingerprint() throws Exception {
        assertThat(prefix(params("m", systemBlock(BIG, null), user("q")))).isEqualTo(PromptPrefix.NONE);
        assertThat(prefix(params("m", "\"" + BIG + "\"", user("q")))).isEqualTo(PromptPrefix.NONE);
        assertThat(prefix(params("m", systemBlock(BIG, "\"cache_control\":null"), user("q"))))
                .isEqualTo(PromptPrefix.NONE);
    }

    @Test
    void sectionsCountInRenderingOrderWhateverTheJsonOrder() throws Exception {
        String tools = "\"tools\":[{\"name\":\"t\",\"input_schema\":{\"type\":\"object\"}," + CC + "}]";
        String ordered = "{\"model\":\"m\",\"max_tokens\":10," + tools + ",\"system\":\"" + BIG
                + "\",\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"x\"," + CC
                + "}]},{\"role\":\"user\",\"content\":\"tail\"}]}";
        String shuffled = "{\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"x\"," + CC
                + "}]},{\"role\":\"user\",\"content\":\"other tail\"}],\"system\":\"" + BIG + "\"," + tools
                + ",\"max_tokens\":99,\"model\":\"m\"}";
        String otherSystem = ordered.replace(BIG, BIG + "?");
        String toolsOnly =
                "{\"model\":\"m\",\"max_tokens\":10," + tools + ",\"system\":\"s1\",\"messages\":" + user("a") + "}";
        String toolsOnlyOtherSystem = toolsOnly.replace("s1", "s2");

        assertThat(prefix(ordered).fingerprint()).isEqualTo(prefix(shuffled).fingerprint());
        assertThat(prefix(otherSystem).fingerprint())
                .isNotEqualTo(prefix(ordered).fingerprint());
        // a breakpoint in tools covers tools only: what follows it is not part of the prefix
        assertThat(prefix(toolsOnly).fingerprint())
                .isEqualTo(prefix(toolsOnlyOtherSystem).fingerprint());
    }

    @Test
    void automaticCachingIsABreakpointAtTheEndOfMessages() throws Exception {
        String auto = "{\"model\":\"m\",\"max_tokens\":10,\"cache_control\":{\"type\":\"ephemeral\"},\"system\":\""
                + BIG + "\",\"messages\":" + user("q") + "}";

        PromptPrefix p = prefix(auto);

        assertThat(p.present()).isTrue();
        assertThat(prefix(auto.replace("\"q\"", "\"q2\"")).fingerprint()).isNotEqualTo(p.fingerprint());
        assertThat(prefix(auto.replace("10", "20")).fingerprint()).isEqualTo(p.fingerprint());
    }

    @Test
    void theOneHourRewriteTouchesOnlyTheBreakpointsAndKeepsTheFingerprint() throws Exception {
        String oneHour = "\"cache_control\":{\"type\":\"ephemeral\",\"ttl\":\"1h\"}";
        String params = "{\"model\":\"m\",\"max_tokens\":10,\"system\":[{\"type\":\"text\",\"text\":\"a\"," + CC
                + "},{\"type\":\"text\",\"text\":\"" + BIG + "\",\"cache_control\": {\"type\": \"ephemeral\"} }],"
                + "\"cache_control\":{\"type\":\"ephemeral\",\"ttl\":\"5m\"},\"messages\":" + user("q") + "}";
        PromptPrefix p = prefix(params);

        byte[] rewritten = p.withOneHourTtl(params.getBytes(UTF_8));

        String expected = params.replace(CC, oneHour)
                .replace("{\"type\": \"ephemeral\"}", "{\"type\":\"ephemeral\",\"ttl\":\"1h\"}")
                .replace("\"cache_control\":{\"type\":\"ephemeral\",\"ttl\":\"5m\"}", oneHour);
        assertThat(new String(rewritten, UTF_8)).isEqualTo(expected);
        assertThat(p.breakpoints()).hasSize(6);
        assertThat(prefix(expected).fingerprint()).isEqualTo(p.fingerprint());
        assertThatThrownBy(() -> PromptPrefix.NONE.withOneHourTtl(rewritten)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> new PromptPrefix(1, new int[] {4, 2})).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void moreBreakpointsThanTheApiAllowsOrHostileShapesGiveNone() throws Exception {
        StringBuilder five = new StringBuilder("[");
        for (int i = 0; i < 5; i++) {
            five.append(i == 0 ? "" : ",")
                    .append("{\"type\":\"text\",\"text\":\"b")
                    .append(i)
                    .append("\",")
                    .append(CC)
                    .append('}');
        }
        assertThat(prefix(params("m", five + "]", user("q")))).isEqualTo(PromptPrefix.NONE);

        // cache_control nested inside itself, inside arrays, as a string, deep: a verdict, no exception
        String odd = "[{\"type\":\"text\",\"text\":\"a\",\"cache_control\":{\"cache_control\":{\"ttl\":[1,{}]}}},"
                + "{\"type\":\"text\",\"x\":[[[{\"cache_control\":\"s\"}]]],\"text\":\"b\"}]";
        assertThat(prefix(params("m", odd, user("q"))).present()).isTrue();
        String deep = "[".repeat(400) + "]".repeat(400);
        assertThat(prefix(params("m", "[{\"type\":\"text\",\"text\":\"a\",\"d\":" + deep + "," + CC + "}]", user("q")))
                        .present())
                .isTrue();
    }

    @Test
    void hashesTheSameBytesTheSameHoweverTheyAreSplit() {
        byte[] src = "0123456789abcdefghijklmnopqrstuvwxyz".getBytes(UTF_8);
        PrefixHash whole = new PrefixHash(src, new long[0][]);
        whole.bytes(0, 20);
        PrefixHash split = new PrefixHash(src, new long[0][]);
        split.bytes(0, 3);
        split.bytes(3, 13);
        split.bytes(13, 20);
        PrefixHash skipping = new PrefixHash(src, new long[][] {{5, 9}});
        skipping.bytes(0, 24);
        PrefixHash manual = new PrefixHash(src, new long[0][]);
        manual.bytes(0, 5);
        manual.bytes(9, 24);

        assertThat(split.finish()).isEqualTo(whole.finish());
        assertThat(skipping.finish()).isEqualTo(manual.finish());
    }
}
