package io.batchbridge.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import com.fasterxml.jackson.databind.JsonNode;
import io.batchbridge.client.ApiAccounts;
import io.batchbridge.client.ClientSettings;
import io.batchbridge.common.config.ConfigSources;
import io.batchbridge.common.http.OpsKeys;
import io.batchbridge.submitter.SubmitterConfig;
import io.batchbridge.worker.WorkerConfig;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.kafka.common.config.ConfigDef;
import org.junit.jupiter.api.Test;

/**
 * Every configuration key the deploy files set is one batch-bridge reads: declared by the role's ConfigDef, a
 * {@code kafka.*} pass-through, or a {@code bridge.api.*} key of {@link ClientSettings} / {@link ApiAccounts}.
 * Keys are read from the ConfigDefs at test time. {@code bridge.http.*} is accepted from {@link OpsKeys}
 * even while a role's ConfigDef does not add it yet (it was being wired into the roles when this test was
 * written); once the roles declare it, it is checked like every other key.
 */
class ConfigKeysTest {
    private static final Pattern ACCOUNT_KEY = Pattern.compile(
            "bridge\\.api\\.account\\.[a-z0-9][a-z0-9_-]*\\.(key|base\\.url|workspace\\.id|requests\\.per\\.minute)");

    enum Role {
        SUBMITTER("bridge.submitter.", SubmitterConfig.definition()),
        WORKER("bridge.worker.", WorkerConfig.definition());

        final String prefix;
        final ConfigDef def;

        Role(String prefix, ConfigDef def) {
            this.prefix = prefix;
            this.def = def;
        }
    }

    @Test
    void kubernetesPropertiesAreDeclaredKeysWithValidValues() {
        assertKeys("k8s/base/submitter.properties", Role.SUBMITTER);
        assertKeys("k8s/base/worker.properties", Role.WORKER);
        assertThatCode(() -> new SubmitterConfig(DeployFiles.properties("k8s/base/submitter.properties")))
                .doesNotThrowAnyException();
        assertThatCode(() -> new WorkerConfig(DeployFiles.properties("k8s/base/worker.properties")))
                .doesNotThrowAnyException();
        assertThatCode(() -> ClientSettings.from(DeployFiles.properties("k8s/base/worker.properties")))
                .doesNotThrowAnyException();
    }

    @Test
    void composePropertiesAreValidForBothRoles() {
        Map<String, String> p = DeployFiles.properties("compose/bridge.properties");
        for (String key : p.keySet()) {
            assertThat(Role.SUBMITTER.def.configKeys().containsKey(key)
                            || Role.WORKER.def.configKeys().containsKey(key)
                            || passThrough(key))
                    .as("compose/bridge.properties: " + key + " is not a declared key")
                    .isTrue();
            for (Role r : Role.values()) {
                if (key.startsWith(r.prefix)) {
                    assertThat(r.def.configKeys()).as(key).containsKey(key);
                }
            }
        }
        assertThatCode(() -> new SubmitterConfig(p)).doesNotThrowAnyException();
        assertThatCode(() -> new WorkerConfig(p)).doesNotThrowAnyException();
    }

    @Test
    void bridgeEnvironmentVariablesInTheManifestsAreDeclaredKeys() {
        List<String> checked = new ArrayList<>();
        for (JsonNode d : DeployFiles.ofKind("StatefulSet")) {
            for (JsonNode c : d.path("spec").path("template").path("spec").path("containers")) {
                Role role = Role.valueOf(c.path("name").asText().toUpperCase(java.util.Locale.ROOT));
                Map<String, String> env = new HashMap<>();
                c.path("env")
                        .forEach(e ->
                                env.put(e.path("name").asText(), e.path("value").asText()));
                for (String key : ConfigSources.fromEnvironment(env).keySet()) {
                    assertThat(declared(role, key))
                            .as(c.path("name").asText() + " env sets " + key + ", not a declared key")
                            .isTrue();
                    checked.add(key);
                }
            }
        }
        assertThat(checked).contains("kafka.bootstrap.servers", "bridge.api.requests.per.minute");
    }

    @Test
    void bridgePropertiesInComposeEnvironmentAreDeclared() {
        JsonNode services = DeployFiles.documents("compose/compose.yaml").get(0).path("services");
        for (String name : List.of("submitter", "worker")) {
            Map<String, String> env = new HashMap<>();
            services.path(name)
                    .path("environment")
                    .fields()
                    .forEachRemaining(e -> env.put(e.getKey(), e.getValue().asText()));
            Role role = Role.valueOf(name.toUpperCase(java.util.Locale.ROOT));
            ConfigSources.fromEnvironment(env)
                    .keySet()
                    .forEach(k ->
                            assertThat(declared(role, k)).as(name + " " + k).isTrue());
        }
    }

    private static void assertKeys(String file, Role role) {
        Map<String, String> p = DeployFiles.properties(file);
        assertThat(p).isNotEmpty();
        for (String key : p.keySet()) {
            assertThat(declared(role, key))
                    .as(file + ": " + key + " is not a " + role + " key")
                    .isTrue();
        }
    }

    private static boolean declared(Role role, String key) {
        for (Role other : Role.values()) {
            if (other != role && key.startsWith(other.prefix)) {
                return false; // another role's key in this role's file
            }
        }
        return role.def.configKeys().containsKey(key) || passThrough(key);
    }

    private static boolean passThrough(String key) {
        Set<String> ops = OpsKeys.addTo(new ConfigDef()).configKeys().keySet();
        return key.startsWith("kafka.")
                || ops.contains(key)
                || ClientSettings.defaults().toProperties().containsKey(key)
                || key.equals(ApiAccounts.ACCOUNTS_KEY)
                || key.equals(ApiAccounts.RPM_KEY)
                || ACCOUNT_KEY.matcher(key).matches();
    }
}
