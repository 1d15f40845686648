package io.batchbridge.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigurationTest {

    @Test
    void defaultsAreTheDocumentedValues() {
        ClientSettings s = ClientSettings.defaults();
        assertThat(s.connectTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(s.callTimeout()).isEqualTo(Duration.ofSeconds(60));
        assertThat(s.resultsIdleTimeout()).isEqualTo(Duration.ofSeconds(60));
        assertThat(s.maxRetries()).isEqualTo(4);
        assertThat(s.anthropicVersion()).isEqualTo("2023-06-01");
        assertThat(ClientSettings.from(s.toProperties())).isEqualTo(s);
    }

    @Test
    void settingsReportEveryBadValueByKeyRuleAndValueAtOnce() {
        assertThatThrownBy(() -> ClientSettings.from(Map.of(
                        "bridge.api.max.retries", "99",
                        "bridge.api.call.timeout.ms", "0",
                        "bridge.api.version", "latest",
                        "bridge.api.connect.timeout.ms", "ten")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("bridge.api.max.retries must be between 0 and 20 but was 99")
                .hasMessageContaining("bridge.api.call.timeout.ms must be greater than 0 but was 0")
                .hasMessageContaining("bridge.api.version must be a date like 2023-06-01 but was latest")
                .hasMessageContaining(
                        "bridge.api.connect.timeout.ms must be a whole number of milliseconds but was ten");
    }

    @Test
    void versionIsConfigurable() {
        assertThat(ClientSettings.defaults()
                        .with(Map.of("bridge.api.version", "2026-10-21"))
                        .anthropicVersion())
                .isEqualTo("2026-10-21");
    }

    @Test
    void sdkEnvironmentNamesGiveTheDefaultAccount() {
        ApiAccounts a = ApiAccounts.from(
                Map.of("ANTHROPIC_API_KEY", "sk-env", "ANTHROPIC_BASE_URL", "http://localhost:9999"), Map.of());
        ApiAccount d = a.defaultAccount();
        assertThat(d.name()).isEqualTo("default");
        assertThat(d.apiKey().reveal()).isEqualTo("sk-env");
        assertThat(d.baseUrl()).isEqualTo(URI.create("http://localhost:9999"));
        assertThat(d.requestsPerMinute()).isEqualTo(1000);
        assertThat(d.workspaceId()).isEmpty();
    }

    @Test
    void anAuthTokenFromTheSdkEnvironmentNameGivesABearerDefaultAccount() {
        ApiAccount token = ApiAccounts.from(Map.of("ANTHROPIC_AUTH_TOKEN", "tok-env"), Map.of())
                .defaultAccount();
        assertThat(token.credential()).isEqualTo(ApiAccount.Credential.BEARER);
        assertThat(token.apiKey().reveal()).isEqualTo("tok-env");

        ApiAccount both = ApiAccounts.from(
                        Map.of("ANTHROPIC_AUTH_TOKEN", "tok-env", "ANTHROPIC_API_KEY", "sk-env"), Map.of())
                .defaultAccount();
        assertThat(both.credential()).as("x-api-key stays the default").isEqualTo(ApiAccount.Credential.API_KEY);
        assertThat(both.apiKey().reveal()).isEqualTo("sk-env");
    }

    @Test
    void eachAccountMayUseABearerTokenButNotAlsoAKey() {
        ApiAccounts a = ApiAccounts.from(
                Map.of(),
                Map.of(
                        "bridge.api.accounts", "k,t",
                        "bridge.api.account.k.key", "sk-k",
                        "bridge.api.account.t.auth.token", "tok-t"));
        assertThat(a.get("k").credential()).isEqualTo(ApiAccount.Credential.API_KEY);
        assertThat(a.get("t").credential()).isEqualTo(ApiAccount.Credential.BEARER);
        assertThat(a.get("t").apiKey().reveal()).isEqualTo("tok-t");

        assertThatThrownBy(() -> ApiAccounts.from(
                        Map.of(),
                        Map.of(
                                "bridge.api.accounts", "x",
                                "bridge.api.account.x.key", "sk-secret-1",
                                "bridge.api.account.x.auth.token", "tok-secret-2")))
                .hasMessageContaining(
                        "bridge.api.account.x.key and bridge.api.account.x.auth.token must not both be set")
                .hasMessageNotContaining("secret");
    }

    @Test
    void severalNamedAccountsComeFromProperties() {
        ApiAccounts a = ApiAccounts.from(
                Map.of("ANTHROPIC_API_KEY", "sk-env"),
                Map.of(
                        "bridge.api.accounts", "team-a, team-b",
                        "bridge.api.requests.per.minute", "2000",
                        "bridge.api.account.team-a.key", "sk-a",
                        "bridge.api.account.team-a.workspace.id", "wrkspc_1",
                        "bridge.api.account.team-b.key", "sk-b",
                        "bridge.api.account.team-b.base.url", "https://proxy.example/anthropic",
                        "bridge.api.account.team-b.requests.per.minute", "50"));
        assertThat(a.names()).containsExactly("team-a", "team-b", "default");
        assertThat(a.get("team-a").workspaceId()).contains("wrkspc_1");
        assertThat(a.get("team-a").requestsPerMinute()).isEqualTo(2000);
        assertThat(a.get("team-a").baseUrl()).isEqualTo(ApiAccounts.DEFAULT_BASE_URL);
        assertThat(a.get("team-b").requestsPerMinute()).isEqualTo(50);
        assertThat(a.get("team-b").baseUrl().toString()).isEqualTo("https://proxy.example/anthropic");
        assertThat(a.defaultAccount().apiKey().reveal()).isEqualTo("sk-env");
        assertThatThrownBy(() -> a.get("team-c")).hasMessageContaining("team-c").hasMessageContaining("team-a");
    }

    @Test
    void accountProblemsAreReportedTogetherWithoutEchoingKeys() {
        assertThatThrownBy(() -> ApiAccounts.from(
                        Map.of(),
                        Map.of(
                                "bridge.api.accounts", "a,b,Bad Name",
                                "bridge.api.account.a.key", "sk-secret-a",
                                "bridge.api.account.a.base.url", "ftp://x",
                                "bridge.api.account.a.requests.per.minute", "0",
                                "bridge.api.account.c.key", "sk-secret-c")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("bridge.api.accounts names must match")
                .hasMessageContaining("bridge.api.account.a.base.url must be an absolute http(s) URL but was ftp://x")
                .hasMessageContaining(
                        "bridge.api.account.a.requests.per.minute must be an integer between 1 and 1000000 but was 0")
                .hasMessageContaining("bridge.api.account.b.key must be set but was missing")
                .hasMessageContaining("bridge.api.account.c.key refers to account c which is not listed")
                .message()
                .doesNotContain("sk-secret");
    }

    @Test
    void noAccountMeansAClearErrorOnlyWhenOneIsNeeded() {
        ApiAccounts none = ApiAccounts.from(Map.of(), Map.of());
        assertThat(none.names()).isEmpty();
        assertThatThrownBy(none::defaultAccount).hasMessageContaining("ANTHROPIC_API_KEY");
    }

    @Test
    void keysNeverPrint() {
        ApiAccount a = ApiAccount.of("x", URI.create("https://api.anthropic.com"), "sk-ant-very-secret", 10);
        assertThat(a.toString()).doesNotContain("sk-ant-very-secret").contains("***");
        assertThat(Secret.of("abc")).hasToString("***");
        assertThat(ApiAccounts.from(Map.of("ANTHROPIC_API_KEY", "sk-zzz"), Map.of())
                        .toString())
                .doesNotContain("sk-zzz");
    }
}
