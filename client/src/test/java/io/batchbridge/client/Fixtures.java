package io.batchbridge.client;

import io.batchbridge.emulator.Emulator;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/** Shared helpers of the emulator-backed tests. */
final class Fixtures {
    private Fixtures() {}

    static Emulator emulator() {
        return Emulator.builder()
                .port(0)
                .timeScale(3600)
                .seed(1)
                .faults("")
                .build()
                .start();
    }

    static ApiAccount account(Emulator e) {
        return new ApiAccount("emu", URI.create(e.baseUrl()), Secret.of("sk-test"), Optional.empty(), 100_000);
    }

    static ClientSettings settings(Map<String, String> overrides) {
        return ClientSettings.defaults()
                .with(Map.of(
                        "bridge.api.call.timeout.ms", "5000",
                        "bridge.api.results.idle.timeout.ms", "5000",
                        "bridge.api.retry.initial.backoff.ms", "100",
                        "bridge.api.retry.max.backoff.ms", "1000"))
                .with(overrides);
    }

    /** A Messages body whose last user message carries an emulator directive. */
    static byte[] params(String model, int maxTokens, String directive) {
        return ("{\"model\":\"" + model + "\",\"max_tokens\":" + maxTokens
                        + ",\"messages\":[{\"role\":\"user\",\"content\":\"Say hi \\u00e9 #emulate " + directive
                        + "\"}]}")
                .getBytes(StandardCharsets.UTF_8);
    }

    static CreateBody body(Map<String, byte[]> requests) {
        CreateBody.Builder b = CreateBody.inMemory();
        requests.forEach(b::add);
        return b.build();
    }

    /** Records retry waits instead of sleeping. */
    static final class RecordingSleeper implements Sleeper {
        final List<Duration> waits = new CopyOnWriteArrayList<>();

        @Override
        public void sleep(Duration d) {
            waits.add(d);
        }
    }
}
