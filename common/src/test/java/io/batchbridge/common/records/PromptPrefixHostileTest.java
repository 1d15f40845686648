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
}
