package io.batchbridge.common.records;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;

/**
 * Hostile params around cache_control (odd values, odd places, nesting, whitespace, too many): a verdict, never
 * an exception; and whenever a fingerprint is given, the 1-hour rewrite is valid JSON with the same fingerprint.
 */
class PromptPrefixHostileTest {

    @Provide
    Arbitrary<String> pieces() {
        Arbitrary<String> cc = Arbitraries.of(
                "\"cache_control\":{\"type\":\"ephemeral\"}",
                "\"cache_control\" : { \"type\" : \"ephemeral\", \"ttl\" : \"1h\" }",
                "\"cache_control\":null",
                "\"cache_control\":\"x\"",
                "\"cache_control\":[1,{\"cache_control\":{}}]",
                "\"cache_control\":{\"cache_control\":{\"ttl\":\"1h\"}}",
                "\"cache_control\":12.5e3");
        Arbitrary<String> text = Arbitraries.strings()
                .withChars("ab \\\"é{}[],:")
                .ofMaxLength(12)
                .map(t -> "\"text\":\"" + t.replace("\\", "\\\\").replace("\"", "\\\"") + "\"");
        Arbitrary<String> block = Arbitraries.oneOf(
                text.map(t -> "{\"type\":\"text\"," + t + "}"),
                Arbitraries.strings()
                        .withChars("ab")
                        .ofMaxLength(3)
                        .flatMap(t -> cc.map(c -> "{\"type\":\"text\"," + c + ",\"text\":\"" + t + "\"}")),
                cc.map(c -> "{" + c + "}"),
                cc.map(c -> "{\"type\":\"x\",\"nested\":[[{" + c + "}]]}"),
                Arbitraries.of("1", "\"s\"", "null", "[]", "{}"));
        return block.list().ofMaxSize(7).map(l -> "[" + String.join(" , ", l) + "]");
    }

    @Property(tries = 1500)
    void aVerdictNeverAnExceptionAndRewritesKeepTheFingerprint(
            @ForAll("pieces") String system, @ForAll("pieces") String content, @ForAll boolean automatic) {
        String params = "{\"model\":\"m\",\"max_tokens\":5,\"system\":" + system
                + (automatic ? ",\"cache_control\":{\"type\":\"ephemeral\"}" : "")
                + ",\"messages\":[{\"role\":\"user\",\"content\":" + content + "}]}";
        PromptPrefix p;
        try {
            p = PromptPrefixTest.prefix(params);
        } catch (InvalidRecordException e) {
            Statistics.collect("rejected");
            return; // a verdict
        }
        Statistics.collect(p.present() ? "fingerprint" : "none");
        if (!p.present()) {
            return;
        }
        byte[] rewritten = p.withOneHourTtl(params.getBytes(UTF_8));
        try {
            PromptPrefix again = PromptPrefixTest.prefix(new String(rewritten, UTF_8));
            assertThat(again.fingerprint()).isEqualTo(p.fingerprint());
        } catch (InvalidRecordException e) {
            throw new AssertionError("the rewrite of " + params + " is not valid: " + e.getMessage());
        }
    }

    /** A producer's object that looks like a breakpoint; the primer must never touch it. */
    private static final String DATA = "\"cache_control\":{\"type\":\"ephemeral\",\"mine\":true}";

    @Provide
    Arbitrary<String> contents() {
        String real = "\"cache_control\":{\"type\":\"ephemeral\"}";
        Arbitrary<String> atPlace = Arbitraries.of(real, "");
        Arbitrary<String> data = Arbitraries.of(DATA, real, "");
        Arbitrary<String> text = atPlace.map(c -> text(c));
        Arbitrary<String> inResult =
                atPlace.map(c -> text(c)).list().ofMaxSize(3).map(l -> "[" + String.join(",", l) + "]");
        Arbitrary<String> inOther =
                data.map(c -> text(c)).list().ofMaxSize(3).map(l -> "[" + String.join(",", l) + "]");
        Arbitrary<String> block = Arbitraries.oneOf(
                text,
                data.map(c -> "{\"type\":\"tool_use\",\"id\":\"u\",\"name\":\"n\",\"input\":{" + c + "}}"),
                data.map(c -> "{\"type\":\"text\",\"text\":\"t\",\"citations\":[{\"doc\":{" + c + "}}]}"),
                inResult.flatMap(in -> toolResultLike("tool_result", in)),
                inOther.flatMap(in -> toolResultLike("search_result", in)));
        return block.list().ofMinSize(1).ofMaxSize(5).map(l -> "[" + String.join(",", l) + "]");
    }

    private static String text(String cc) {
        return "{\"type\":\"text\",\"text\":\"t\"" + (cc.isEmpty() ? "" : "," + cc) + "}";
    }

    /** A block with a content list, its type before or after the list. */
    private static Arbitrary<String> toolResultLike(String type, String content) {
        return Arbitraries.of(
                "{\"type\":\"" + type + "\",\"tool_use_id\":\"u\",\"content\":" + content + "}",
                "{\"tool_use_id\":\"u\",\"content\":" + content + ",\"type\":\"" + type + "\"}");
    }

    @Property(tries = 1000)
    void theProducersLookAlikesAreNeverRewrittenAndAlwaysHashed(
            @ForAll("contents") String content, @ForAll("contents") String tail) throws InvalidRecordException {
        String params = "{\"model\":\"m\",\"max_tokens\":5,\"tools\":[{\"name\":\"t\",\"input_schema\":{"
                + "\"type\":\"object\",\"properties\":{" + DATA + "}}}],\"messages\":[{\"role\":\"user\",\"content\":"
                + content + "},{\"role\":\"user\",\"content\":" + tail + "}]}";
        PromptPrefix p = PromptPrefixTest.prefix(params);
        Statistics.collect(p.present() ? "fingerprint" : "none");
        if (!p.present()) {
            return;
        }
        String rewritten = new String(p.withOneHourTtl(params.getBytes(UTF_8)), UTF_8);
        assertThat(rewritten.split("\"mine\"", -1))
                .as("every look-alike kept")
                .hasSameSizeAs(params.split("\"mine\"", -1));
        assertThat(PromptPrefixTest.prefix(rewritten).fingerprint()).isEqualTo(p.fingerprint());
        int firstData = params.indexOf(DATA, params.indexOf("\"messages\""));
        int lastBreakpointValueEnd = p.breakpoints()[p.breakpoints().length - 1];
        if (firstData >= 0 && firstData < lastBreakpointValueEnd) {
            String changed = params.substring(0, firstData)
                    + DATA.replace("true", "false")
                    + params.substring(firstData + DATA.length());
            assertThat(PromptPrefixTest.prefix(changed).fingerprint())
                    .as("a look-alike before the last breakpoint is part of the prefix")
                    .isNotEqualTo(p.fingerprint());
        }
    }
}
