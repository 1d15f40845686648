package io.batchbridge.client;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.Headers;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What goes on the wire for each credential style: exactly one credential header, never both. */
@Timeout(20)
class CredentialHeadersTest {

    private static Headers retrieveWith(ApiAccount.Credential c, String version) throws Exception {
        AtomicReference<Headers> seen = new AtomicReference<>();
        try (StubServer stub = new StubServer(0, ex -> {
                    seen.set(ex.getRequestHeaders());
                    StubServer.respond(ex, 200, StubServer.BATCH_JSON);
                });
                BatchesClient client = new BatchesClient(
                        new ApiAccount("t", stub.baseUrl(), Secret.of("tok-1"), Optional.empty(), 1000, c),
                        ClientSettings.defaults().with(Map.of("bridge.api.version", version)),
                        new SimpleMeterRegistry(),
                        Clock.systemUTC())) {
            client.retrieve("msgbatch_1");
        }
        return seen.get();
    }

    @Test
    void anApiKeyGoesAsXApiKeyByDefault() throws Exception {
        Headers h = retrieveWith(ApiAccount.Credential.API_KEY, "2023-06-01");
        assertThat(h.getFirst("x-api-key")).isEqualTo("tok-1");
        assertThat(h.containsKey("authorization")).isFalse();
        assertThat(h.getFirst("anthropic-version")).isEqualTo("2023-06-01");
    }

    @Test
    void anAuthTokenGoesAsBearerAndNeverAsXApiKey() throws Exception {
        Headers h = retrieveWith(ApiAccount.Credential.BEARER, "2026-10-21");
        assertThat(h.getFirst("authorization")).isEqualTo("Bearer tok-1");
        assertThat(h.containsKey("x-api-key")).isFalse();
        assertThat(h.getFirst("anthropic-version")).isEqualTo("2026-10-21");
    }

    @Test
    void theFiveArgumentAccountSendsAnApiKey() {
        assertThat(ApiAccount.of("a", URI.create("http://localhost:1"), "k", 1).credential())
                .isEqualTo(ApiAccount.Credential.API_KEY);
    }
}
