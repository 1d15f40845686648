package io.batchbridge.emulator.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DirectiveTest {
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
