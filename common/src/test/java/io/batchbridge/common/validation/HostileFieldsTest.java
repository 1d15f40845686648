package io.batchbridge.common.validation;

import static io.batchbridge.common.validation.RequestValidatorTest.request;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.batchbridge.common.model.ModelCatalogue;
import io.batchbridge.common.records.DeadLetterReason;
import io.batchbridge.common.records.InvalidRecordException;
import io.batchbridge.common.validation.ValidationPolicy.AccountChoice;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Fields a careless or hostile producer controls: each gets one reason, and no echo of it is unbounded. */
class HostileFieldsTest {
    private static final Set<String> EXISTING = Set.of("bridge.results", "bridge.results.team-a", "bridge.batches");

    private static ValidationPolicy policy(AccountChoice choice, boolean rejectUnknownBetas) {
        return new ValidationPolicy(
                true,
                Pattern.compile("bridge\\.results.*|bridge\\.batches"),
                Set.of("default", "team-a", "team-b"),
                8 << 20,
                16 * 1024,
                choice,
                Map.of("team-a.requests", Set.of("team-a")),
                rejectUnknownBetas,
                Set.of("bridge.batches", "bridge.retry", "team-a.requests"),
                EXISTING::contains);
    }

    private final RequestValidator validator =
            new RequestValidator(ModelCatalogue.defaults(), policy(AccountChoice.LISTED, false));

    private InvalidRecordException rejection(RequestValidator v, String json, IntakeSource source) {
        return catchThrowableOfType(InvalidRecordException.class, () -> v.validate(json.getBytes(UTF_8), source));
    }

    private InvalidRecordException rejection(String json) {
        return rejection(validator, json, IntakeSource.request("bridge.requests", "default"));
    }

    private DeadLetterReason reason(String json) {
        InvalidRecordException e = rejection(json);
        assertThat(e)
                .as("expected a rejection of %s", json.length() > 300 ? json.substring(0, 300) : json)
                .isNotNull();
        return e.problem().reason();
    }

    private ValidRequest ok(String json, IntakeSource source) throws InvalidRecordException {
        return validator.validate(json.getBytes(UTF_8), source);
    }

    @Test
    void replyToMustBeALegalExistingTopicThatIsNotOneOfOurOwn() throws Exception {
        assertThat(reason(request("", ",\"reply_to\":\"bridge.results." + "x".repeat(6 << 20) + "\"")))
                .isEqualTo(DeadLetterReason.REPLY_TO_NOT_ALLOWED);
        assertThat(reason(request("", ",\"reply_to\":\"bridge.results.a b\"")))
                .isEqualTo(DeadLetterReason.REPLY_TO_NOT_ALLOWED);
        assertThat(reason(request("", ",\"reply_to\":\"bridge.results/../x\"")))
                .isEqualTo(DeadLetterReason.REPLY_TO_NOT_ALLOWED);
        assertThat(reason(request("", ",\"reply_to\":\"bridge.batches\""))) // allowed by the pattern, but ours
                .isEqualTo(DeadLetterReason.REPLY_TO_NOT_ALLOWED);
        assertThat(reason(request("", ",\"reply_to\":\"bridge.results.nope\"")))
                .isEqualTo(DeadLetterReason.REPLY_TO_UNKNOWN_TOPIC);
        assertThat(ok(request("", ",\"reply_to\":\"bridge.results.team-a\""), IntakeSource.request("t", "default"))
                        .envelope()
                        .replyTo())
                .isEqualTo("bridge.results.team-a");
    }

    @Test
    void aReplyToTheClusterCannotLookUpIsNeitherValidNorInvalid() {
        RequestValidator v = new RequestValidator(
                ModelCatalogue.defaults(),
                new ValidationPolicy(
                        true,
                        Pattern.compile("bridge\\.results.*"),
                        Set.of("default"),
                        8 << 20,
                        1024,
                        AccountChoice.LISTED,
                        Map.of(),
                        false,
                        Set.of(),
                        topic -> {
                            throw new ValidationPolicy.TopicDirectory.Unavailable("broker down", null);
                        }));
        assertThatThrownBy(() -> v.validate(
                        request("", ",\"reply_to\":\"bridge.results.x\"").getBytes(UTF_8),
                        IntakeSource.request("t", "default")))
                .isInstanceOf(ValidationPolicy.TopicDirectory.Unavailable.class);
    }

    @Test
    void betasMustBeHeaderSafeTokensAndUnknownOnesPassUnlessThePolicySaysOtherwise() throws Exception {
        assertThat(reason(request("", ",\"betas\":[\"a b\"]"))).isEqualTo(DeadLetterReason.INVALID_BETA);
        assertThat(reason(request("", ",\"betas\":[\"ok\\nX-Forged: 1\"]"))).isEqualTo(DeadLetterReason.INVALID_BETA);
        assertThat(reason(request("", ",\"betas\":[\"\"]"))).isEqualTo(DeadLetterReason.INVALID_BETA);
        assertThat(reason(request("", ",\"betas\":[\"Upper-Case\"]"))).isEqualTo(DeadLetterReason.INVALID_BETA);
        assertThat(reason(request("", ",\"betas\":[" + "\"b\",".repeat(16) + "\"b\"]")))
                .isEqualTo(DeadLetterReason.INVALID_BETA);
        assertThat(ok(request("", ",\"betas\":[\"brand-new-beta-2027-01-01\"]"), IntakeSource.request("t", "default"))
                        .betas())
                .containsExactly("brand-new-beta-2027-01-01");

        RequestValidator strict = new RequestValidator(ModelCatalogue.defaults(), policy(AccountChoice.LISTED, true));
        InvalidRecordException e = rejection(
                strict,
                request("", ",\"betas\":[\"brand-new-beta-2027-01-01\"]"),
                IntakeSource.request("t", "default"));
        assertThat(e.problem().reason()).isEqualTo(DeadLetterReason.UNKNOWN_BETA);
        assertThat(strict.validate(
                                request("", ",\"betas\":[\"" + ModelCatalogue.EXTENDED_OUTPUT_BETA + "\"]")
                                        .getBytes(UTF_8),
                                IntakeSource.request("t", "default"))
                        .betas())
                .containsExactly(ModelCatalogue.EXTENDED_OUTPUT_BETA);
    }

    @Test
    void aRecordMayChooseOnlyTheAccountsItsTopicAllowsAndIsNeverToldWhichExist() throws Exception {
        IntakeSource teamA = IntakeSource.request("team-a.requests", "default");
        IntakeSource other = IntakeSource.request("bridge.requests", "default");
        assertThat(ok(request("", ",\"account\":\"team-a\""), teamA).account()).isEqualTo("team-a");
        assertThat(ok(request("", ",\"account\":\"default\""), other).account()).isEqualTo("default");
        assertThat(ok(request("", ""), other).account()).isEqualTo("default");

        InvalidRecordException notAllowed = rejection(validator, request("", ",\"account\":\"team-a\""), other);
        assertThat(notAllowed.problem().reason()).isEqualTo(DeadLetterReason.ACCOUNT_NOT_ALLOWED);
        InvalidRecordException probing = rejection(validator, request("", ",\"account\":\"nobody\""), other);
        assertThat(probing.problem().reason())
                .as("an unknown and a forbidden account look the same to the producer")
                .isEqualTo(DeadLetterReason.ACCOUNT_NOT_ALLOWED);
        assertThat(notAllowed.problem().message() + probing.problem().message())
                .doesNotContain("team-b")
                .doesNotContain("[");

        RequestValidator none = new RequestValidator(ModelCatalogue.defaults(), policy(AccountChoice.NONE, false));
        assertThat(rejection(none, request("", ",\"account\":\"team-a\""), teamA)
                        .problem()
                        .reason())
                .isEqualTo(DeadLetterReason.ACCOUNT_NOT_ALLOWED);
        RequestValidator any = new RequestValidator(ModelCatalogue.defaults(), policy(AccountChoice.ANY, false));
        assertThat(any.validate(request("", ",\"account\":\"team-b\"").getBytes(UTF_8), other)
                        .account())
                .isEqualTo("team-b");
        InvalidRecordException unknown = rejection(any, request("", ",\"account\":\"nobody\""), other);
        assertThat(unknown.problem().reason()).isEqualTo(DeadLetterReason.UNKNOWN_ACCOUNT);
        assertThat(unknown.problem().message()).doesNotContain("team-b").doesNotContain("default");
    }

    @Test
    void productFieldsAreIgnoredOnRequestTopicsAndHonouredOnTheRetryTopic() throws Exception {
        String forged = request(
                "",
                ",\"attempt\":7,\"not_before\":\"2030-01-01T00:00:00Z\",\"last_error\":\"x\","
                        + "\"origin\":{\"topic\":\"bridge.batches\",\"partition\":0,\"offset\":3},"
                        + "\"max_attempts\":99");
        ValidRequest fresh = ok(forged, IntakeSource.request("bridge.requests", "default"));
        assertThat(fresh.envelope().attempt()).isEqualTo(1);
        assertThat(fresh.envelope().maxAttempts())
                .as("a producer does not choose its attempts")
                .isZero();
        assertThat(fresh.envelope().origin()).isNull();
        assertThat(fresh.envelope().notBefore()).isNull();
        assertThat(fresh.envelope().lastError()).isNull();

        ValidRequest retried = ok(forged, new IntakeSource("bridge.requests", "default", true));
        assertThat(retried.envelope().attempt()).isEqualTo(7);
        assertThat(retried.envelope().maxAttempts()).isEqualTo(99);
        assertThat(retried.envelope().origin().topic()).isEqualTo("bridge.batches");
    }

    @Test
    void messagesThatNoApiVersionAcceptsAreRefusedAtTheEdgeAndNewBlockTypesPass() throws Exception {
        String base = "{\"custom_id\":\"r1\",\"params\":{\"model\":\"claude-opus-4-6\",\"max_tokens\":10,";
        assertThat(reason(base + "\"messages\":[]}}")).isEqualTo(DeadLetterReason.INVALID_MESSAGES);
        assertThat(reason(base + "\"messages\":[{\"role\":\"robot\",\"content\":\"hi\"}]}}"))
                .isEqualTo(DeadLetterReason.INVALID_MESSAGES);
        assertThat(reason(base + "\"messages\":[{\"role\":\"user\",\"content\":42}]}}"))
                .isEqualTo(DeadLetterReason.INVALID_MESSAGES);
        assertThat(reason(base + "\"messages\":[{\"role\":\"user\"}]}}")).isEqualTo(DeadLetterReason.INVALID_MESSAGES);
        assertThat(reason(base + "\"messages\":[{\"content\":\"hi\"}]}}")).isEqualTo(DeadLetterReason.INVALID_MESSAGES);
        assertThat(reason(base + "\"messages\":[\"hi\"]}}")).isEqualTo(DeadLetterReason.INVALID_MESSAGES);
        assertThat(reason(base + "\"messages\":[{\"role\":\"user\",\"content\":[\"hi\"]}]}}"))
                .isEqualTo(DeadLetterReason.INVALID_MESSAGES);
        assertThat(reason(base + "\"messages\":[{\"role\":\"user\",\"content\":[{\"text\":\"hi\"}]}]}}"))
                .isEqualTo(DeadLetterReason.INVALID_MESSAGES);
        assertThat(reason(base + "\"system\":42,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}}"))
                .isEqualTo(DeadLetterReason.INVALID_MESSAGES);
        assertThat(rejection(base + "\"messages\":[{\"role\":\"robot\",\"content\":\"hi\"}]}}")
                        .problem()
                        .message())
                .isEqualTo("params.messages.0.role must be \"user\" or \"assistant\" but was \"robot\"");

        ValidRequest lenient = ok(
                base + "\"system\":[{\"type\":\"text\",\"text\":\"s\"}],\"messages\":[{\"role\":\"user\",\"content\":"
                        + "[{\"type\":\"hologram_2027\",\"data\":{\"x\":[1,2]}}]},{\"role\":\"assistant\","
                        + "\"content\":\"ok\"},{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"go\"}]}]}}",
                IntakeSource.request("t", "default"));
        assertThat(lenient.model()).isEqualTo("claude-opus-4-6");
    }

    @Test
    void paramsTheApiNeverAcceptsAreRefusedAtTheEdgeAndServerToolsPass() throws Exception {
        assertThat(reason(request(",\"temperature\":2", ""))).isEqualTo(DeadLetterReason.INVALID_PARAM);
        assertThat(reason(request(",\"top_p\":-0.1", ""))).isEqualTo(DeadLetterReason.INVALID_PARAM);
        assertThat(reason(request(",\"temperature\":\"hot\"", ""))).isEqualTo(DeadLetterReason.INVALID_PARAM);
        assertThat(reason(request(",\"top_k\":-1", ""))).isEqualTo(DeadLetterReason.INVALID_PARAM);
        assertThat(reason(request(",\"stop_sequences\":[\"ok\",1]", ""))).isEqualTo(DeadLetterReason.INVALID_PARAM);
        assertThat(reason(request(",\"stop_sequences\":\"END\"", ""))).isEqualTo(DeadLetterReason.INVALID_PARAM);
        assertThat(reason(request(",\"tools\":[{\"input_schema\":{}}]", ""))).isEqualTo(DeadLetterReason.INVALID_PARAM);
        assertThat(reason(request(",\"tools\":[{\"name\":\"t\"}]", ""))).isEqualTo(DeadLetterReason.INVALID_PARAM);
        assertThat(reason(request(",\"tool_choice\":{\"type\":\"maybe\"}", "")))
                .isEqualTo(DeadLetterReason.INVALID_PARAM);
        assertThat(reason(request(",\"tool_choice\":{\"type\":\"tool\"}", "")))
                .isEqualTo(DeadLetterReason.INVALID_PARAM);
        assertThat(reason(request(",\"thinking\":{\"type\":\"sometimes\"}", "")))
                .isEqualTo(DeadLetterReason.INVALID_PARAM);
        assertThat(reason(request(",\"thinking\":{\"type\":\"enabled\",\"budget_tokens\":\"many\"}", "")))
                .isEqualTo(DeadLetterReason.INVALID_THINKING_BUDGET);
        String empty =
                "{\"custom_id\":\"r1\",\"params\":{\"model\":\"claude-opus-4-6\",\"max_tokens\":10,\"messages\":";
        assertThat(reason(empty + "[{\"role\":\"user\",\"content\":\"\"}]}}"))
                .isEqualTo(DeadLetterReason.INVALID_MESSAGES);
        assertThat(reason(empty + "[{\"role\":\"user\",\"content\":[]},{\"role\":\"assistant\",\"content\":\"a\"}]}}"))
                .isEqualTo(DeadLetterReason.INVALID_MESSAGES);

        assertThat(reason(request(",\"research_preview_2026_02\":\"active\"", "")))
                .isEqualTo(DeadLetterReason.UNSUPPORTED_PARAM);
        IntakeSource t = IntakeSource.request("t", "default");
        ok(request(",\"research_preview_2026_02\":\"inactive\"", ""), t);
        ok(empty + "[{\"role\":\"user\",\"content\":\"go\"},{\"role\":\"assistant\",\"content\":\"\"}]}}", t);
        ok(
                request(
                        ",\"temperature\":0.7,\"top_p\":1,\"top_k\":5,\"stop_sequences\":[\"END\"],\"tools\":["
                                + "{\"name\":\"lookup\",\"input_schema\":{\"type\":\"object\"}},"
                                + "{\"type\":\"web_search_20250305\",\"name\":\"web_search\"}],"
                                + "\"tool_choice\":{\"type\":\"tool\",\"name\":\"lookup\"},"
                                + "\"thinking\":{\"type\":\"adaptive\"}",
                        ""),
                t);
    }

    @Test
    void echoedValuesAreBoundedAndPrintable() {
        String hugeModel = "m".repeat(7 << 20);
        InvalidRecordException e = rejection(request("", "").replace("claude-opus-4-6", hugeModel + "\\u001b[2J\\n"));
        assertThat(e.problem().reason()).isEqualTo(DeadLetterReason.UNKNOWN_MODEL);
        assertThat(e.problem().message())
                .hasSizeLessThan(400)
                .doesNotContain("\u001b")
                .doesNotContain("\n");

        InvalidRecordException role = rejection(
                request("", "").replace("\"role\":\"user\"", "\"role\":\"" + "\\u001b[2J\\n".repeat(100_000) + "\""));
        assertThat(role.problem().message()).hasSizeLessThan(400).doesNotContain("\u001b");
    }

    @Test
    void aCustomIdWithControlCharactersNeverRidesOnALaterFailure() {
        // the custom_id comes first and is unchecked when a later field fails: it must not reach key or headers
        InvalidRecordException e = rejection(
                "{\"custom_id\":\"a\\u001b[2J\\nforged\",\"betas\":42,\"params\":{\"model\":\"claude-opus-4-6\"}}");
        assertThat(e.problem().reason()).isEqualTo(DeadLetterReason.INVALID_FIELD);
        assertThat(e.customId()).isNull();
        InvalidRecordException good =
                rejection("{\"custom_id\":\"fine-id\",\"betas\":42,\"params\":{\"model\":\"claude-opus-4-6\"}}");
        assertThat(good.customId()).isEqualTo("fine-id");
    }
}
