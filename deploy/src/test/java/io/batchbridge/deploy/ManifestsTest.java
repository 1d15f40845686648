package io.batchbridge.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.batchbridge.common.http.OpsKeys;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** What the StatefulSets, PodDisruptionBudgets, KEDA objects and compose services promise, checked without a cluster. */
class ManifestsTest {
    /** RoleOptions' default for --drain-timeout-ms (package-private in cli). */
    private static final long DEFAULT_DRAIN_MS = 30_000;

    private static final Map<String, Integer> PORTS =
            Map.of("submitter", OpsKeys.SUBMITTER_DEFAULT_PORT, "worker", OpsKeys.WORKER_DEFAULT_PORT);

    @Test
    void roleStatefulSetsProbeTheOpsPortAndOutlastTheDrain() {
        List<JsonNode> deployments = DeployFiles.ofKind("StatefulSet").stream()
                .filter(d -> d.path("metadata").path("name").asText().startsWith("bridge-")
                        && d.path("spec").has("selector"))
                .toList();
        assertThat(deployments)
                .extracting(d -> d.path("metadata").path("name").asText())
                .containsExactlyInAnyOrder("bridge-submitter", "bridge-worker");
        for (JsonNode d : deployments) {
            JsonNode pod = d.path("spec").path("template").path("spec");
            JsonNode c = pod.path("containers").get(0);
            String role = c.path("name").asText();
            List<String> args = new ArrayList<>();
            c.path("args").forEach(a -> args.add(a.asText()));
            assertThat(args.get(0)).isEqualTo(role);
            assertThat(args).contains("--config=/etc/batch-bridge/" + role + ".properties");

            // the ops port: the role default, and the one the properties file sets
            int port = c.path("ports").get(0).path("containerPort").asInt();
            assertThat(port).isEqualTo(PORTS.get(role));
            assertThat(DeployFiles.properties("k8s/base/" + role + ".properties")
                            .get(OpsKeys.HTTP_PORT))
                    .isEqualTo(String.valueOf(port));
            assertThat(c.path("ports").get(0).path("name").asText()).isEqualTo("ops");
            assertThat(c.path("livenessProbe").path("httpGet").path("path").asText())
                    .isEqualTo("/health/live");
            assertThat(c.path("readinessProbe").path("httpGet").path("path").asText())
                    .isEqualTo("/health/ready");
            assertThat(c.path("livenessProbe").path("httpGet").path("port").asText())
                    .isEqualTo("ops");
            assertThat(c.path("readinessProbe").path("httpGet").path("port").asText())
                    .isEqualTo("ops");

            long drainMs = args.stream()
                    .filter(a -> a.startsWith("--drain-timeout-ms="))
                    .map(a -> Long.parseLong(a.substring(a.indexOf('=') + 1)))
                    .findFirst()
                    .orElse(DEFAULT_DRAIN_MS);
            assertThat(pod.path("terminationGracePeriodSeconds").asLong() * 1000)
                    .as(role + ": grace period must outlast the drain")
                    .isGreaterThan(drainMs + 10_000);

            // non-root, resources, key from a secret file
            assertThat(pod.path("securityContext").path("runAsNonRoot").asBoolean())
                    .isTrue();
            assertThat(pod.path("securityContext").path("runAsUser").asInt()).isEqualTo(65532);
            JsonNode res = c.path("resources");
            for (String kind : List.of("requests", "limits")) {
                assertThat(res.path(kind).path("memory").asText())
                        .as(role + " " + kind)
                        .isNotBlank();
                assertThat(res.path(kind).path("cpu").asText())
                        .as(role + " " + kind)
                        .isNotBlank();
            }
            assertThat(res.path("requests").path("memory"))
                    .isEqualTo(res.path("limits").path("memory"));
            assertThat(c.path("env").toString())
                    .contains("ANTHROPIC_API_KEY_FILE")
                    .doesNotContain("\"ANTHROPIC_API_KEY\"");
            assertThat(pod.path("volumes").toString()).contains("batch-bridge-api-key", "batch-bridge-config");
        }
    }

    @Test
    void rolesAreStatefulSetsWithStableNamesAndAGoverningService() {
        List<JsonNode> sets = DeployFiles.ofKind("StatefulSet").stream()
                .filter(d -> d.path("spec").has("selector"))
                .toList();
        assertThat(sets).hasSize(2);
        List<String> services = DeployFiles.ofKind("Service").stream()
                .filter(s -> "None".equals(s.path("spec").path("clusterIP").asText()))
                .map(s -> s.path("metadata").path("name").asText())
                .toList();
        for (JsonNode set : sets) {
            JsonNode spec = set.path("spec");
            String name = set.path("metadata").path("name").asText();
            assertThat(spec.path("podManagementPolicy").asText()).as(name).isEqualTo("Parallel");
            assertThat(services)
                    .as(name + " governing service")
                    .contains(spec.path("serviceName").asText());
            // the instance id is the pod name (HOSTNAME): nothing may override it with a shared value
            assertThat(spec.path("template").toString()).doesNotContain("INSTANCE_ID");
        }
        List<JsonNode> scaled = DeployFiles.ofKind("ScaledObject");
        assertThat(scaled).allSatisfy(s -> {
            assertThat(s.path("spec").path("scaleTargetRef").path("kind").asText())
                    .isEqualTo("StatefulSet");
            assertThat(s.path("spec").path("scaleTargetRef").path("apiVersion").asText())
                    .isEqualTo("apps/v1");
        });
    }

    @Test
    void everyDeploymentHasAPodDisruptionBudget() {
        List<String> selected = new ArrayList<>();
        DeployFiles.ofKind("PodDisruptionBudget")
                .forEach(p -> selected.add(p.path("spec")
                        .path("selector")
                        .path("matchLabels")
                        .path("app.kubernetes.io/name")
                        .asText()));
        assertThat(selected).containsExactlyInAnyOrder("bridge-submitter", "bridge-worker");
    }

    @Test
    void kedaScalesWithinThePartitionCount() {
        int partitions = DeployFiles.documents("k8s/base/topics.yaml").stream()
                .mapToInt(t -> t.path("spec").path("partitions").asInt())
                .min()
                .orElseThrow();
        List<JsonNode> scaled = DeployFiles.ofKind("ScaledObject");
        assertThat(scaled).hasSize(2);
        for (JsonNode s : scaled) {
            assertThat(s.path("spec").path("minReplicaCount").asInt()).isGreaterThanOrEqualTo(1);
            assertThat(s.path("spec").path("maxReplicaCount").asInt()).isLessThanOrEqualTo(partitions);
            s.path("spec").path("triggers").forEach(t -> {
                if ("kafka".equals(t.path("type").asText())) {
                    String group = t.path("metadata").path("consumerGroup").asText();
                    assertThat(group)
                            .isEqualTo(s.path("spec")
                                    .path("scaleTargetRef")
                                    .path("name")
                                    .asText());
                }
            });
        }
    }

    @Test
    void composeRunsEveryRoleFromTheOneImageAndKafkaAtTheProjectVersion() {
        JsonNode services = DeployFiles.documents("compose/compose.yaml").get(0).path("services");
        Matcher m = Pattern.compile("<kafka.version>([^<]+)</kafka.version>").matcher(DeployFiles.text("../pom.xml"));
        assertThat(m.find()).isTrue();
        assertThat(services.path("kafka").path("image").asText()).isEqualTo("apache/kafka:" + m.group(1));
        assertThat(services.path("kafka")
                        .path("environment")
                        .path("KAFKA_PROCESS_ROLES")
                        .asText())
                .isEqualTo("broker,controller");
        for (String s : List.of("topics", "emulator", "submitter", "worker", "producer")) {
            assertThat(services.path(s).path("image").asText()).as(s).isEqualTo("batch-bridge:0.1.0-SNAPSHOT");
        }
        assertThat(services.path("worker")
                        .path("environment")
                        .path("ANTHROPIC_BASE_URL")
                        .asText())
                .isEqualTo("http://emulator:8089");
        assertThat(services.path("emulator").path("command").toString()).contains("0.0.0.0", "8089");
        assertThat(services.path("producer").path("volumes").toString()).contains("./samples:/samples");
        assertThat(DeployFiles.path("compose/samples/requests.jsonl")).exists();
        assertThat(services.path("grafana").path("volumes").toString())
                .contains("../grafana/batch-bridge.json:/var/lib/grafana/dashboards/batch-bridge.json");
        JsonNode provider = DeployFiles.documents("compose/grafana/provisioning/dashboards/batch-bridge.yaml")
                .get(0);
        assertThat(provider.path("providers")
                        .get(0)
                        .path("options")
                        .path("path")
                        .asText())
                .isEqualTo("/var/lib/grafana/dashboards");
    }
}
