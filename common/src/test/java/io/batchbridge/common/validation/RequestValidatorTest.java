package io.batchbridge.common.validation;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.batchbridge.common.model.ModelCatalogue;
import io.batchbridge.common.records.DeadLetterReason;
import io.batchbridge.common.records.InvalidRecordException;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class RequestValidatorTest {
    private final ValidationPolicy policy = new ValidationPolicy(
            true, Pattern.compile("bridge\\.results|team-[a-z]+\\.results"), Set.of("default", "eu"), 8 << 20, 1024);
    private final RequestValidator validator = new RequestValidator(ModelCatalogue.defaults(), policy);

    static String request(String paramsExtra, String envelopeExtra) {
        return "{\"custom_id\":\"r1\",\"params\":{\"model\":\"claude-opus-4-6\",\"max_tokens\":1000,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]" + paramsExtra + "}" + envelopeExtra + "}";
    }

    ValidRequest ok(String json) throws InvalidRecordException {
        return validator.validate(json.getBytes(UTF_8), "default");
    }

    DeadLetterReason reason(String json) {
        try {
            validator.validate(json.getBytes(UTF_8), "default");
        } catch (InvalidRecordException e) {
            return e.problem().reason();
        }
        throw new AssertionError("expected a rejection of " + json);
    }

    @Test
    void validRequestLandsInTheDefaultAccountsLaneWithItsBetas() throws Exception {
        ValidRequest v = ok(request("", ",\"betas\":[\"b2\",\"b1\"]"));

        assertThat(v.account()).isEqualTo("default");
        assertThat(v.betas()).containsExactly("b1", "b2");
        assertThat(v.model()).isEqualTo("claude-opus-4-6");
        assertThat(v.strippedRetiredBeta()).isFalse();
    }

    @Test
    void extendedOutputBetaIsAddedWhenMaxTokensExceedsTheStandardCapOfAnEligibleModel() throws Exception {
        ValidRequest v = ok(request("", "").replace("\"max_tokens\":1000", "\"max_tokens\":300000"));

        assertThat(v.betas()).containsExactly(ModelCatalogue.EXTENDED_OUTPUT_BETA);
    }

    @Test
    void haikuAt200kIsExtendedOutputNotSupportedAndAnythingAbove300kIsOverCap() {
        String haiku = request("", "").replace("claude-opus-4-6", "claude-haiku-4-5");
        assertThat(reason(haiku.replace("\"max_tokens\":1000", "\"max_tokens\":200000")))
                .isEqualTo(DeadLetterReason.EXTENDED_OUTPUT_NOT_SUPPORTED);
        assertThat(reason(haiku.replace("\"max_tokens\":1000", "\"max_tokens\":1000000000000")))
                .isEqualTo(DeadLetterReason.MAX_TOKENS_OVER_CAP);
        assertThat(reason(request("", "").replace("\"max_tokens\":1000", "\"max_tokens\":300001")))
                .isEqualTo(DeadLetterReason.MAX_TOKENS_OVER_CAP);
    }

    @Test
    void overCapMessageMatchesTheApisWording() {
        try {
            ok(request("", "").replace("\"max_tokens\":1000", "\"max_tokens\":300001"));
        } catch (InvalidRecordException e) {
            assertThat(e.problem().message())
                    .isEqualTo(
                            "max_tokens: 300001 > 300000, which is the maximum allowed number of output tokens for claude-opus-4-6");
            return;
        }
        throw new AssertionError("expected a rejection");
    }

    @Test
    void eachIntakeRuleHasItsReasonCode() {
        assertThat(reason(request("", "").replace("claude-opus-4-6", "claude-nope-1")))
                .isEqualTo(DeadLetterReason.UNKNOWN_MODEL);
        assertThat(reason(request(",\"stream\":true", ""))).isEqualTo(DeadLetterReason.STREAM_NOT_SUPPORTED);
        assertThat(reason(request(",\"speed\":\"fast\"", ""))).isEqualTo(DeadLetterReason.UNSUPPORTED_PARAM);
        assertThat(reason(request("", "").replace("\"max_tokens\":1000", "\"max_tokens\":0")))
                .isEqualTo(DeadLetterReason.UNSUPPORTED_PARAM);
        assertThat(reason(request("", "").replace("\"max_tokens\":1000", "\"max_tokens\":-5")))
                .isEqualTo(DeadLetterReason.UNSUPPORTED_PARAM);
        assertThat(reason(request("", "").replace("\"max_tokens\":1000", "\"max_tokens\":\"many\"")))
                .isEqualTo(DeadLetterReason.INVALID_FIELD);
        assertThat(reason(request(",\"thinking\":{\"type\":\"enabled\",\"budget_tokens\":1000}", "")))
                .isEqualTo(DeadLetterReason.INVALID_THINKING_BUDGET);
        assertThat(reason(request("", ",\"reply_to\":\"elsewhere\""))).isEqualTo(DeadLetterReason.REPLY_TO_NOT_ALLOWED);
        assertThat(reason(request("", ",\"account\":\"us\""))).isEqualTo(DeadLetterReason.UNKNOWN_ACCOUNT);
        assertThat(reason(request("", ",\"metadata\":{\"k\":\"" + "x".repeat(2000) + "\"}")))
                .isEqualTo(DeadLetterReason.INVALID_FIELD);
        assertThat(reason("{\"custom_id\":\"a\",\"params\":{\"max_tokens\":1,\"messages\":[]}}"))
                .isEqualTo(DeadLetterReason.MISSING_FIELD);
        assertThat(reason("{\"custom_id\":\"a\",\"params\":{\"model\":\"claude-opus-4-6\",\"max_tokens\":1}}"))
                .isEqualTo(DeadLetterReason.MISSING_FIELD);
    }

    @Test
    void oversizedRecordIsRejectedBeforeParsing() {
        byte[] big = new byte[(8 << 20) + 1];
        try {
            validator.validate(big, "default");
        } catch (InvalidRecordException e) {
            assertThat(e.problem().reason()).isEqualTo(DeadLetterReason.RECORD_TOO_LARGE);
            assertThat(e.problem().message()).contains("8388609 bytes");
            return;
        }
        throw new AssertionError("expected a rejection");
    }

    @Test
    void retiredContext1mBetaIsStrippedAndReported() throws Exception {
        ValidRequest v = ok(request("", ",\"betas\":[\"context-1m-2025-08-07\"]"));

        assertThat(v.betas()).isEmpty();
        assertThat(v.strippedRetiredBeta()).isTrue();
    }

    @Test
    void unknownModelPassesThroughWhenThePolicySaysSo() throws Exception {
        RequestValidator lenient = new RequestValidator(
                ModelCatalogue.defaults(),
                new ValidationPolicy(false, Pattern.compile(".*"), Set.of("default"), 8 << 20, 1024));

        ValidRequest v = lenient.validate(
                request("", "").replace("claude-opus-4-6", "claude-future-9").getBytes(UTF_8), "default");

        assertThat(v.model()).isEqualTo("claude-future-9");
    }
}
