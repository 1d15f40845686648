package io.batchbridge.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.batchbridge.emulator.Emulator;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link BatchesClient#countTokens} against the emulator's {@code POST /v1/messages/count_tokens}. */
@Timeout(60)
class CountTokensIT {
    private Emulator emulator;
    private BatchesClient client;

    @BeforeEach
    void start() {
        emulator = Fixtures.emulator();
        client = new BatchesClient(
                Fixtures.account(emulator),
                Fixtures.settings(Map.of()),
                new SimpleMeterRegistry(),
                Clock.systemUTC(),
                new Fixtures.RecordingSleeper());
    }

    @AfterEach
    void stop() {
        client.close();
        emulator.close();
    }

    @Test
    void countsThePromptOfBatchParamsWithoutTheKeysTheEndpointRefuses() {
        String messages = "[{\"role\":\"user\",\"content\":\"" + "x".repeat(400) + "\"}]";
        byte[] params = ("{\"model\":\"claude-opus-4-6\",\"max_tokens\":10,\"temperature\":1,\"messages\":" + messages
                        + "}")
                .getBytes(StandardCharsets.UTF_8);

        long tokens = client.countTokens(CountTokensBody.fromParams(params), List.of());

        // the emulator counts tools + system + messages bytes / 4
        assertThat(tokens).isEqualTo(messages.getBytes(StandardCharsets.UTF_8).length / 4);
    }

    @Test
    void aPromptTheApiRefusesIsA400() {
        byte[] body = "{\"model\":\"claude-opus-4-6\"}".getBytes(StandardCharsets.UTF_8);

        assertThatThrownBy(() -> client.countTokens(body, List.of()))
                .isInstanceOfSatisfying(
                        BatchesApiException.class, e -> assertThat(e.status()).isEqualTo(400));
    }
}
