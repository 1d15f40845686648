package io.batchbridge.common.records;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class EchoTest {
    @Test
    void controlCharactersAreEscapedSoTheEchoIsOnePrintableLine() {
        String hostile = "ok\u001b[2J\nforged line\r\t\u0007\u009b\\";
        String shown = Echo.of(hostile);
        assertThat(shown).isEqualTo("ok\\u001b[2J\\nforged line\\r\\t\\u0007\\u009b\\\\");
        assertThat(shown.chars().allMatch(c -> c >= 0x20 && !(c >= 0x7f && c <= 0x9f)))
                .isTrue();
        assertThat(Echo.needsEscape(hostile)).isTrue();
        assertThat(Echo.needsEscape("plain-id_1")).isFalse();
    }

    @Test
    void longValuesAreCutAndSaySo() {
        String big = "x".repeat(6 * 1024 * 1024);
        String shown = Echo.of(big);
        assertThat(shown).startsWith("x".repeat(Echo.MAX_CHARS)).endsWith("…(6291456 chars)");
        assertThat(shown.length()).isLessThan(Echo.MAX_CHARS + 32);
        assertThat(Echo.of("short")).isEqualTo("short");
        assertThat(Echo.of(null)).isEqualTo("null");
    }

    @Test
    void aSurrogatePairIsNeverCutInHalfAndQuotesAreEscapedWhenQuoted() {
        String s = "a".repeat(Echo.MAX_CHARS - 1) + "\uD83D\uDE00tail";
        String shown = Echo.of(s);
        assertThat(shown).startsWith("a".repeat(Echo.MAX_CHARS - 1) + "…");
        assertThat(Echo.quoted("say \"hi\"\n")).isEqualTo("\"say \\\"hi\\\"\\n\"");
    }
}
