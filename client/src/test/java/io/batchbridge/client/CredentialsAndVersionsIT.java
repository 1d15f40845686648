package io.batchbridge.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.batchbridge.emulator.Emulator;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Our client against the emulator with both credential styles ({@code x-api-key}, {@code Authorization:
 * Bearer}) and both API versions ({@code 2023-06-01}, {@code 2026-10-21}): a whole batch round trip works with
 * the right secret, and the wrong secret is a 401 in either style, so the credential really is checked.
 */
@Timeout(60)
class CredentialsAndVersionsIT {
    private static final String SECRET = "sk-only-this-one";
    private static Emulator emulator;

    @BeforeAll
    static void start() {
        emulator = Emulator.builder().timeScale(3600).apiKey(SECRET).build().start();
    }

    @AfterAll
    static void stop() {
        emulator.close();
    }

    static Stream<Arguments> styles() {
        List<Arguments> out = new ArrayList<>();
        for (ApiAccount.Credential c : ApiAccount.Credential.values()) {
            for (String version : List.of("2023-06-01", "2026-10-21")) {
                out.add(Arguments.of(c, version));
            }
        }
        return out.stream();
    }

    private static BatchesClient client(ApiAccount.Credential c, String version, String secret) {
        ApiAccount account =
                new ApiAccount("emu", URI.create(emulator.baseUrl()), Secret.of(secret), Optional.empty(), 100_000, c);
        return new BatchesClient(
                account,
                Fixtures.settings(Map.of("bridge.api.version", version, "bridge.api.max.retries", "0")),
                new SimpleMeterRegistry(),
                Clock.systemUTC());
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("styles")
    void aBatchRoundTripWorksInEveryCredentialStyleAndVersion(ApiAccount.Credential c, String version) {
        try (BatchesClient client = client(c, version, SECRET)) {
            Map<String, byte[]> requests = new LinkedHashMap<>();
            requests.put("a", Fixtures.params("claude-sonnet-4-6", 100, "output_tokens=5"));
            MessageBatch created = client.create(Fixtures.body(requests), List.of());
            await().atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(50))
                    .until(() -> client.retrieve(created.id()).ended());
            try (ResultStream lines = client.results(client.retrieve(created.id()))) {
                assertThat(lines.next().type()).isEqualTo(ResultType.SUCCEEDED);
                assertThat(lines.hasNext()).isFalse();
            }
            assertThat(client.listAll()).extracting(MessageBatch::id).contains(created.id());
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("styles")
    void theWrongSecretIsRefusedInEveryStyle(ApiAccount.Credential c, String version) {
        try (BatchesClient client = client(c, version, "sk-wrong")) {
            assertThatThrownBy(() -> client.retrieve("msgbatch_none"))
                    .isInstanceOfSatisfying(
                            BatchesApiException.class,
                            e -> assertThat(e.status()).isEqualTo(401));
        }
    }
}
