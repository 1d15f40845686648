package io.batchbridge.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class EmulatorMainTest {
    @Test
    @Timeout(60)
    void argumentsConfigureTheEmulator() {
        Emulator.Builder b = EmulatorMain.parse(new String[] {
            "--port", "0", "--time-scale=3600", "--faults", "any:429=0.5", "--seed", "9", "--counts-at-end"
        });
        try (Emulator e = b.build().start()) {
            assertThat(e.baseUrl()).startsWith("http://127.0.0.1:");
            assertThat(e.faults().describe()).contains("any:429");
            assertThat(e.start()).isSameAs(e);
        }
    }

    @Test
    void badArgumentsAreNamed() {
        assertThatThrownBy(() -> EmulatorMain.parse(new String[] {"--time-scale", "fast"}))
                .hasMessageContaining("--time-scale");
        assertThatThrownBy(() -> EmulatorMain.parse(new String[] {"--faults", "any:nope=1"}))
                .hasMessageContaining("unknown fault kind");
        assertThatThrownBy(() -> EmulatorMain.parse(new String[] {"--what"})).hasMessageContaining("--what");
        assertThatThrownBy(() -> EmulatorMain.parse(new String[] {"--output-tokens", "600"}))
                .hasMessageContaining("--output-tokens must be MIN-MAX");
        assertThatThrownBy(() -> EmulatorMain.parse(new String[] {"--models", "/no/such/models.json"}))
                .hasMessageContaining("--models");
        assertThatThrownBy(() -> EmulatorMain.parse(new String[] {"--poll-retry-after", "-1s"}))
                .hasMessageContaining("pollRetryAfter must not be negative");
    }
}
