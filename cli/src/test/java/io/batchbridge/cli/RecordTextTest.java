package io.batchbridge.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RecordTextTest {

    @Test
    void summaryKeepsOnlyAShortPrefixOfLongValues() {
        byte[] value = ("{\"custom_id\":\"a\",\"message\":\"" + "secret ".repeat(1000) + "\"}").getBytes(UTF_8);

        String s = RecordText.summary(value);

        assertThat(s).startsWith(value.length + " B {\"custom_id\":\"a\"").endsWith("…");
        assertThat(s.length()).isLessThan(RecordText.PREFIX_CHARS + 20);
    }

    @Test
    void summaryEscapesLineBreaksSoOneRecordIsOneLine() {
        assertThat(RecordText.summary("a\nb\r\nc".getBytes(UTF_8))).isEqualTo("6 B a\\nb\\r\\nc");
    }

    @Test
    void topLevelScalarsStopBeforeTheMessage() {
        byte[] value =
                "{\"custom_id\":\"x\",\"usage\":{\"input_tokens\":1},\"cost_usd\":0.5,\"message\":{\"id\":\"m\"},\"after\":1}"
                        .getBytes(UTF_8);

        assertThat(RecordText.topLevelScalars(value))
                .containsEntry("custom_id", "x")
                .containsEntry("cost_usd", "0.5")
                .doesNotContainKeys("usage", "id", "after");
    }

    @Test
    void topLevelScalarsOfSomethingThatIsNotJsonAreEmpty() {
        assertThat(RecordText.topLevelScalars("not json".getBytes(UTF_8))).isEmpty();
        assertThat(RecordText.topLevelScalars(null)).isEmpty();
    }

    @Test
    void progressBarFillsInProportion() {
        assertThat(Progress.bar(0)).isEqualTo("[" + " ".repeat(40) + "] 0%");
        assertThat(Progress.bar(50)).isEqualTo("[" + "#".repeat(20) + " ".repeat(20) + "] 50%");
        assertThat(Progress.bar(100)).isEqualTo("[" + "#".repeat(40) + "] 100%");
    }

    @Test
    void joinedConfigurationErrorsAreSplitOnePerLine() {
        assertThat(RoleChecks.split("invalid client settings: bridge.api.a must be x; bridge.api.b must be y"))
                .containsExactly("bridge.api.a must be x", "bridge.api.b must be y");
    }
}
