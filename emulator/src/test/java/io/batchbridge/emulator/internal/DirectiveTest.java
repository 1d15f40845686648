package io.batchbridge.emulator.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DirectiveTest {
    @Test
    void timesAndKeyLimitTheOutcomeToTheFirstSubmissionsOfTheKey() {
        Planner planner = new Planner(io.batchbridge.common.model.ModelCatalogue.defaults(), OutputProfile.DEFAULT, 1);
        Directive d = Directive.find("#emulate outcome=errored:overloaded_error times=1 key=flaky-7");
        RequestFacts first = new RequestFacts(
                "s0-p0-o1",
                "claude-opus-4-6",
                false,
                100L,
                false,
                false,
                1,
                d,
                200,
                null,
                AskedContent.PLAIN,
                200,
                java.util.List.of());
        RequestFacts retry = new RequestFacts(
                "s1-p0-o9",
                "claude-opus-4-6",
                false,
                100L,
                false,
                false,
                1,
                d,
                200,
                null,
                AskedContent.PLAIN,
                200,
                java.util.List.of());

        assertThat(d.times()).isEqualTo(1);
        assertThat(d.key()).isEqualTo("flaky-7");
        assertThat(planner.plan("msgbatch_a", java.util.List.of(), first).outcome())
                .isEqualTo(Outcome.ERRORED);
        assertThat(planner.plan("msgbatch_b", java.util.List.of(), retry).outcome())
                .isEqualTo(Outcome.SUCCEEDED);
    }

    @Test
    void parsesEveryKeyOfTheDirectiveLine() {
        Directive d =
                Directive.find("Please write.\n#emulate output_tokens=300000 outcome=succeeded stop_reason=max_tokens"
                        + " duration=90s input_tokens=12 cache_read=5 cache_write=7\nmore text");
        assertThat(d.outputTokens()).isEqualTo(300_000);
        assertThat(d.outcome()).isEqualTo("succeeded");
        assertThat(d.stopReason()).isEqualTo("max_tokens");
        assertThat(d.durationSeconds()).isEqualTo(90.0);
        assertThat(d.inputTokens()).isEqualTo(12);
        assertThat(d.cacheReadTokens()).isEqualTo(5);
        assertThat(d.cacheWriteTokens()).isEqualTo(7);
    }

    @Test
    void erroredOutcomeCarriesItsErrorType() {
        Directive d = Directive.find("#emulate outcome=errored:overloaded_error");
        assertThat(d.outcome()).isEqualTo("errored");
        assertThat(d.errorType()).isEqualTo("overloaded_error");
    }

    @Test
    void textWithoutTheMarkerHasNoDirectiveAndBadValuesAreIgnored() {
        assertThat(Directive.find("just a prompt")).isNull();
        Directive d = Directive.find("#emulate output_tokens=lots bogus outcome=expired");
        assertThat(d.outputTokens()).isEqualTo(-1);
        assertThat(d.outcome()).isEqualTo("expired");
    }
}
