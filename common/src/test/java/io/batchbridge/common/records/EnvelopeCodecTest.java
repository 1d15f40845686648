package io.batchbridge.common.records;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class EnvelopeCodecTest {

    static InvalidRecordException rejection(String json) {
        return rejection(json.getBytes(UTF_8));
    }

    static InvalidRecordException rejection(byte[] value) {
        try {
            EnvelopeCodec.parse(value);
        } catch (InvalidRecordException e) {
            return e;
        }
        throw new AssertionError("expected a rejection");
    }

    @Test
    void paramsAreCopiedByteForByteWithUnknownFieldsWhitespaceAndUnicode() throws Exception {
        String params =
                "{ \"model\" : \"claude-opus-4-6\",\"max_tokens\":10, \"future_field\":{\"x\":[1,2.50,\"\\u00e9\"]},"
                        + "\"messages\":[{\"role\":\"user\",\"content\":\"héllo 🌍 \\\"q\\\"\"}] }";
        byte[] record = ("{\"custom_id\":\"a-1\",\"params\":" + params + ",\"extra\":true}").getBytes(UTF_8);

        ParsedRequest parsed = EnvelopeCodec.parse(record);

        assertThat(new String(parsed.envelope().params(), UTF_8)).isEqualTo(params);
        assertThat(parsed.facts().model()).isEqualTo("claude-opus-4-6");
        assertThat(parsed.facts().maxTokens()).isEqualTo(10L);
        assertThat(parsed.facts().messagesPresent()).isTrue();
    }

    @Test
    void aPlainBatchesJsonlLineIsAValidEnvelope() throws Exception {
        ParsedRequest parsed = EnvelopeCodec.parse(
                "{\"custom_id\":\"x\",\"params\":{\"model\":\"m\",\"max_tokens\":1,\"messages\":[]}}".getBytes(UTF_8));

        assertThat(parsed.envelope().customId()).isEqualTo("x");
        assertThat(parsed.envelope().attempt()).isEqualTo(1);
        assertThat(parsed.envelope().betas()).isEmpty();
    }

    @Test
    void retryRecordRoundTripsWithRawParamsAndMetadata() throws Exception {
        byte[] params = "{\"model\":\"m\",\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":\"ü\"}]}"
                .getBytes(UTF_8);
        RequestEnvelope e = new RequestEnvelope(
                "id_1",
                params,
                "out.topic",
                List.of("b1"),
                "{\"k\":\"v\"}".getBytes(UTF_8),
                "acct",
                1,
                null,
                null,
                null);
        RequestEnvelope retry = e.nextAttempt(
                Instant.parse("2026-11-22T10:00:00Z"),
                new Coordinates("bridge.requests", 3, 42),
                "overloaded_error: busy");

        RequestEnvelope back = EnvelopeCodec.parse(EnvelopeCodec.write(retry)).envelope();

        assertThat(back.params()).isEqualTo(params);
        assertThat(back.metadata()).isEqualTo("{\"k\":\"v\"}".getBytes(UTF_8));
        assertThat(back.attempt()).isEqualTo(2);
        assertThat(back.notBefore()).isEqualTo(Instant.parse("2026-11-22T10:00:00Z"));
        assertThat(back.origin()).isEqualTo(new Coordinates("bridge.requests", 3, 42));
        assertThat(back.lastError()).isEqualTo("overloaded_error: busy");
        assertThat(back.replyTo()).isEqualTo("out.topic");
        assertThat(back.betas()).containsExactly("b1");
        assertThat(back.account()).isEqualTo("acct");
    }

    /** Issue #19: the attempt limit travels with a retry record, from attempt to attempt. */
    @Test
    void aRetryRecordCarriesItsAttemptLimitFromAttemptToAttempt() throws Exception {
        RequestEnvelope first = EnvelopeCodec.parse(
                        "{\"custom_id\":\"id_1\",\"params\":{\"model\":\"m\"}}".getBytes(UTF_8))
                .envelope();
        assertThat(first.maxAttempts()).as("not stated").isZero();
        assertThat(new String(EnvelopeCodec.write(first), UTF_8)).doesNotContain("max_attempts");

        RequestEnvelope retry = first.withMaxAttempts(5)
                .nextAttempt(Instant.parse("2026-11-22T10:00:00Z"), new Coordinates("bridge.requests", 0, 1), "e");
        String json = new String(EnvelopeCodec.write(retry), UTF_8);
        assertThat(json).contains("\"max_attempts\":5");

        RequestEnvelope back = EnvelopeCodec.parse(json.getBytes(UTF_8)).envelope();
        assertThat(back.maxAttempts()).isEqualTo(5);
        assertThat(back.attempt()).isEqualTo(2);
        assertThat(back.withOrigin(new Coordinates("t", 1, 2)).maxAttempts()).isEqualTo(5);
        assertThat(back.nextAttempt(null, null, null).maxAttempts()).isEqualTo(5);
    }

    @Test
    void anAttemptLimitIsAnIntegerFromOneToTheCeiling() throws Exception {
        for (String bad : List.of("0", "-1", "101", "3000000000", "2.5", "\"3\"", "null", "[3]", "{}")) {
            InvalidRecordException e = rejection("{\"custom_id\":\"ok\",\"params\":{},\"max_attempts\":" + bad + "}");
            assertThat(e).as(bad).isNotNull();
            assertThat(e.problem().reason()).as(bad).isEqualTo(DeadLetterReason.INVALID_FIELD);
            assertThat(e.problem().message()).isEqualTo("max_attempts must be an integer from 1 to 100");
            assertThat(e.customId()).isEqualTo("ok");
        }
        assertThat(EnvelopeCodec.parse("{\"custom_id\":\"ok\",\"params\":{},\"max_attempts\":100}".getBytes(UTF_8))
                        .envelope()
                        .maxAttempts())
                .isEqualTo(RequestEnvelope.ATTEMPT_LIMIT_CEILING);
    }

    @Test
    void malformedInputIsRejectedAsMalformedJsonWithAReason() {
        assertThat(rejection("{\"custom_id\":").problem().reason()).isEqualTo(DeadLetterReason.MALFORMED_JSON);
        assertThat(rejection("[1,2]").problem().message()).contains("not an object");
        assertThat(rejection("{\"custom_id\":\"a\",\"custom_id\":\"b\",\"params\":{}}")
                        .problem()
                        .message())
                .contains("Duplicate field");
        assertThat(rejection("{\"custom_id\":\"a\",\"params\":{}} {}").problem().message())
                .contains("after its JSON object");
        assertThat(rejection(new byte[] {'{', '"', (byte) 0xC3, (byte) 0x28, '"', ':', '1', '}'})
                        .problem()
                        .message())
                .contains("not valid UTF-8");
        assertThat(rejection(new byte[0]).problem().reason()).isEqualTo(DeadLetterReason.MALFORMED_JSON);
        assertThat(rejection((byte[]) null).problem().reason()).isEqualTo(DeadLetterReason.MALFORMED_JSON);
    }

    @Test
    void tenThousandNestedArraysAreRejectedWithoutStackOverflow() {
        String deep = "[".repeat(10_000) + "]".repeat(10_000);
        InvalidRecordException e = rejection("{\"custom_id\":\"a\",\"params\":{\"messages\":" + deep + "}}");

        assertThat(e.problem().reason()).isEqualTo(DeadLetterReason.MALFORMED_JSON);
        assertThat(e.problem().message()).contains("nesting depth");
        assertThat(e.customId()).isEqualTo("a");
    }

    @Test
    void customIdRulesAreEnforced() {
        assertThat(rejection("{\"params\":{}}").problem().reason()).isEqualTo(DeadLetterReason.MISSING_FIELD);
        assertThat(rejection("{\"custom_id\":7,\"params\":{}}").problem().message())
                .isEqualTo("custom_id must be a string but was a number");
        assertThat(rejection("{\"custom_id\":\"\",\"params\":{}}").problem().reason())
                .isEqualTo(DeadLetterReason.INVALID_CUSTOM_ID);
        assertThat(rejection("{\"custom_id\":\"" + "a".repeat(65) + "\",\"params\":{}}")
                        .problem()
                        .message())
                .contains("(65 characters)");
        assertThat(rejection("{\"custom_id\":\"has space\",\"params\":{}}")
                        .problem()
                        .reason())
                .isEqualTo(DeadLetterReason.INVALID_CUSTOM_ID);
    }

    @Test
    void wrongFieldTypesAreInvalidFieldsAndKeepTheCustomId() {
        InvalidRecordException e = rejection("{\"custom_id\":\"ok\",\"params\":\"text\"}");
        assertThat(e.problem().reason()).isEqualTo(DeadLetterReason.INVALID_FIELD);
        assertThat(e.customId()).isEqualTo("ok");
        assertThat(rejection("{\"custom_id\":\"ok\",\"params\":{},\"betas\":\"b\"}")
                        .problem()
                        .message())
                .isEqualTo("betas must be a list of strings but was a string");
        assertThat(rejection("{\"custom_id\":\"ok\",\"params\":{},\"attempt\":0}")
                        .problem()
                        .reason())
                .isEqualTo(DeadLetterReason.INVALID_FIELD);
        assertThat(rejection("{\"custom_id\":\"ok\",\"params\":{},\"metadata\":[1]}")
                        .problem()
                        .message())
                .contains("metadata must be a JSON object");
    }

    @Test
    void toStringNeverShowsParams() throws Exception {
        RequestEnvelope e = EnvelopeCodec.parse(
                        "{\"custom_id\":\"x\",\"params\":{\"secret\":\"CANARY\"}}".getBytes(UTF_8))
                .envelope();
        assertThat(e.toString()).doesNotContain("CANARY").contains("custom_id=x");
    }
}
