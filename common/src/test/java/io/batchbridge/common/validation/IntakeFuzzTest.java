package io.batchbridge.common.validation;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.batchbridge.common.model.ModelCatalogue;
import io.batchbridge.common.records.EnvelopeCodec;
import io.batchbridge.common.records.InvalidRecordException;
import io.batchbridge.common.validation.ValidationPolicy.AccountChoice;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Any bytes a producer can publish give a valid request or one reason, never an escaping exception; and whatever
 * the record holds, the reason's sentence is one bounded printable line and the id it carries is a legal one —
 * so the dead letter built from it can always be written and shown.
 */
class IntakeFuzzTest {
    private static final int MAX_MESSAGE_CHARS = 2_000;

    private final RequestValidator validator = new RequestValidator(
            ModelCatalogue.defaults(),
            new ValidationPolicy(
                    true,
                    Pattern.compile("bridge\\.results.*"),
                    Set.of("default", "team-a"),
                    1 << 20,
                    16 * 1024,
                    AccountChoice.LISTED,
                    Map.of("t", Set.of("team-a")),
                    false,
                    Set.of("bridge.batches"),
                    topic -> topic.equals("bridge.results.a")));

    @Property(tries = 1000)
    void arbitraryBytesGiveAVerdictNeverAnException(@ForAll byte[] value) {
        verdict(value);
    }

    @Property(tries = 1500)
    void hostileEnvelopesGiveAVerdictWithABoundedPrintableReason(@ForAll("envelopes") String json) {
        verdict(json.getBytes(UTF_8));
    }

    @Property(tries = 1000)
    void truncatedEnvelopesAreMalformedNotCrashes(@ForAll("envelopes") String json, @ForAll("cuts") double cut) {
        byte[] bytes = json.getBytes(UTF_8);
        byte[] truncated = java.util.Arrays.copyOf(bytes, (int) (bytes.length * cut));
        verdict(truncated);
    }

    private void verdict(byte[] value) {
        try {
            ValidRequest v = validator.validate(value, IntakeSource.request("t", "default"));
            assertThat(v.envelope().customId()).matches(EnvelopeCodec.CUSTOM_ID);
            assertThat(v.envelope().attempt()).isEqualTo(1);
            assertThat(v.betas()).allMatch(b -> RequestValidator.BETA.matcher(b).matches());
        } catch (InvalidRecordException e) {
            String message = e.problem().message();
            assertThat(message.length()).isLessThan(MAX_MESSAGE_CHARS);
            assertThat(message.chars().noneMatch(c -> c < 0x20 || (c >= 0x7f && c <= 0x9f)))
                    .as("printable: %s", message)
                    .isTrue();
            if (e.customId() != null) {
                assertThat(e.customId()).matches(EnvelopeCodec.CUSTOM_ID);
            }
        }
    }

    @Provide
    Arbitrary<Double> cuts() {
        return Arbitraries.doubles().between(0.0, 1.0);
    }

    @Provide
    Arbitrary<String> envelopes() {
        Arbitrary<String> customId = oneOfValues(
                hostileString(),
                Arbitraries.strings().withCharRange('a', 'z').ofMinLength(1).ofMaxLength(64));
        Arbitrary<String> model = oneOfValues(
                hostileString(),
                Arbitraries.of("claude-opus-4-6", "claude-haiku-4-5", "claude-sonnet-4-6", "claude-nope-1"));
        Arbitrary<String> role = oneOfValues(hostileString(), Arbitraries.of("user", "assistant", "system"));
        Arbitrary<String> content = Arbitraries.of(
                "\"hi\"", "42", "[]", "[{\"type\":\"text\",\"text\":\"x\"}]", "[{\"text\":\"x\"}]", "[\"x\"]", "null");
        Arbitrary<String> maxTokens =
                Arbitraries.of("1", "1000", "300000", "300001", "-1", "0", "1e3", "\"many\"", "99999999999999999999");
        Arbitrary<String> extra = Arbitraries.of(
                "",
                ",\"reply_to\":" + "JSONSTR",
                ",\"betas\":[JSONSTR]",
                ",\"betas\":[\"a b\"]",
                ",\"account\":JSONSTR",
                ",\"account\":\"team-a\"",
                ",\"metadata\":{\"k\":JSONSTR}",
                ",\"attempt\":99,\"origin\":{\"topic\":\"bridge.batches\",\"partition\":0,\"offset\":1}",
                ",\"not_before\":JSONSTR",
                ",\"betas\":42",
                ",\"reply_to\":\"bridge.results.a\"",
                ",\"reply_to\":\"bridge.results.missing\"");
        return Combinators.combine(customId, model, role, content, maxTokens, extra, hostileString())
                .as((id, m, r, c, mt, x, filler) -> "{\"custom_id\":" + json(id) + ",\"params\":{\"model\":" + json(m)
                        + ",\"max_tokens\":" + mt + ",\"messages\":[{\"role\":" + json(r) + ",\"content\":" + c
                        + "}]}" + x.replace("JSONSTR", json(filler)) + "}");
    }

    /** Long strings, control characters, escapes, quotes, surrogates: what a hostile producer sends. */
    private static Arbitrary<String> hostileString() {
        Arbitrary<String> chars = Arbitraries.strings()
                .withChars('\u001b', '\n', '\r', '\u0000', '"', '\\', '\u009b', '\u2028', 'a', '-', '.', ' ')
                .withCharRange('\uD800', '\uDFFF')
                .ofMaxLength(40);
        Arbitrary<String> huge = Arbitraries.integers().between(300, 70_000).map(n -> "x".repeat(n) + "\u001b[2J\n");
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(6, chars),
                net.jqwik.api.Tuple.of(1, huge),
                net.jqwik.api.Tuple.of(2, Arbitraries.strings().ofMaxLength(20)));
    }

    @SafeVarargs
    private static Arbitrary<String> oneOfValues(Arbitrary<String>... choices) {
        return Arbitraries.oneOf(List.of(choices));
    }

    /** A JSON string literal of {@code s}, with every character JSON requires escaped. */
    private static String json(String s) {
        StringBuilder b = new StringBuilder(s.length() + 2).append('"');
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') {
                b.append('\\').append(c);
            } else if (c < 0x20) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.append('"').toString();
    }
}
