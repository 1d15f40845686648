package io.batchbridge.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The NetworkPolicy in front of the ops port and the KafkaUsers' ACLs (docs/security.md), checked without a cluster. */
class SecurityManifestsTest {
    private static final String USERS = "k8s/components/kafka-users/kafkausers.yaml";

    @Test
    void onlyPrometheusReachesTheOpsPortAndNothingElseIsOpen() {
        List<JsonNode> policies = DeployFiles.ofKind("NetworkPolicy");
        assertThat(policies).hasSize(1);
        JsonNode spec = policies.get(0).path("spec");
        assertThat(spec.path("podSelector")
                        .path("matchLabels")
                        .path("app.kubernetes.io/part-of")
                        .asText())
                .isEqualTo("batch-bridge");
        assertThat(spec.path("policyTypes").toString()).contains("Ingress");
        assertThat(spec.path("ingress")).hasSize(1);
        JsonNode rule = spec.path("ingress").get(0);
        // a rule without "from" would admit every source
        assertThat(rule.path("from")).isNotEmpty();
        rule.path("from")
                .forEach(peer -> assertThat(peer.path("podSelector")
                                .path("matchLabels")
                                .path("app.kubernetes.io/name")
                                .asText())
                        .isEqualTo("prometheus"));
        assertThat(rule.path("ports")).hasSize(1);
        assertThat(rule.path("ports").get(0).path("port").asText()).isEqualTo("ops");
        for (JsonNode d : DeployFiles.ofKind("StatefulSet")) {
            if (!d.path("spec").has("selector")) {
                continue; // an overlay's patch
            }
            JsonNode c = d.path("spec")
                    .path("template")
                    .path("spec")
                    .path("containers")
                    .get(0);
            assertThat(c.path("ports")).hasSize(1);
            assertThat(c.path("ports").get(0).path("name").asText()).isEqualTo("ops");
        }
        assertThat(DeployFiles.documents("k8s/base/kustomization.yaml")
                        .get(0)
                        .path("resources")
                        .toString())
                .contains("networkpolicy.yaml");
    }

    @Test
    void onlyTheSubmitterWritesTheBatchesTopic() {
        String batches = topics("submitter").get("bridge.topics.batches");
        for (JsonNode user : users()) {
            boolean writes = allows(user, "topic", batches, "Write");
            assertThat(writes)
                    .as(name(user) + " writes " + batches)
                    .isEqualTo(name(user).equals("bridge-submitter"));
        }
        assertThat(allows(user("bridge-worker"), "topic", batches, "Read")).isTrue();
    }

    @Test
    void eachRoleMayDoWhatItsConfigurationAsksAndNoMore() {
        Map<String, String> s = topics("submitter");
        JsonNode submitter = user("bridge-submitter");
        for (String key : List.of("bridge.topics.requests", "bridge.topics.retry")) {
            assertThat(allows(submitter, "topic", s.get(key), "Read")).as(key).isTrue();
        }
        for (String key : List.of(
                "bridge.topics.batches", "bridge.topics.dlq", "bridge.topics.batch.events", "bridge.topics.spend")) {
            assertThat(allows(submitter, "topic", s.get(key), "Write")).as(key).isTrue();
        }
        assertThat(allows(submitter, "topic", s.get("bridge.topics.spend"), "Read"))
                .isTrue();
        for (String key : List.of("bridge.topics.results", "bridge.topics.checkpoints", "bridge.topics.requests")) {
            assertThat(allows(submitter, "topic", s.get(key), "Write")).as(key).isFalse();
        }
        assertThat(allows(submitter, "group", s.get("bridge.submitter.group.id"), "Read"))
                .isTrue();
        assertThat(allows(submitter, "transactionalId", "bridge-submitter-pod-1", "Write"))
                .isTrue();
        assertThat(allows(submitter, "transactionalId", "bridge-worker-pod-1-fanout-0", "Write"))
                .isFalse();

        Map<String, String> w = topics("worker");
        JsonNode worker = user("bridge-worker");
        for (String key : List.of("bridge.topics.batches", "bridge.topics.requests", "bridge.topics.retry")) {
            assertThat(allows(worker, "topic", w.get(key), "Read")).as(key).isTrue();
        }
        for (String key : List.of(
                "bridge.topics.results",
                "bridge.topics.retry",
                "bridge.topics.dlq",
                "bridge.topics.checkpoints",
                "bridge.topics.batch.events",
                "bridge.topics.spend")) {
            assertThat(allows(worker, "topic", w.get(key), "Write")).as(key).isTrue();
        }
        // a reply_to topic the submitter's default allow-list (bridge\.results.*) admits
        assertThat(allows(worker, "topic", w.get("bridge.topics.results") + ".tenant-a", "Write"))
                .isTrue();
        assertThat(allows(worker, "topic", w.get("bridge.topics.requests"), "Write"))
                .isFalse();
        assertThat(allows(worker, "group", w.get("bridge.worker.group.id"), "Read"))
                .isTrue();
        assertThat(allows(worker, "transactionalId", "bridge-worker-pod-1-fanout-0", "Write"))
                .isTrue();
    }

    @Test
    void everyTopicNamedInAnAclIsOneTheRolesUse() {
        Set<String> names = new HashSet<>(topics("submitter").values());
        names.addAll(topics("worker").values());
        for (JsonNode user : users()) {
            for (JsonNode acl : user.path("spec").path("authorization").path("acls")) {
                JsonNode r = acl.path("resource");
                if ("topic".equals(r.path("type").asText())) {
                    assertThat(names).as(name(user)).contains(r.path("name").asText());
                }
            }
            assertThat(user.path("spec").path("authentication").path("type").asText())
                    .isNotBlank();
        }
        assertThat(DeployFiles.documents("k8s/components/kafka-users/kustomization.yaml")
                        .get(0)
                        .path("resources")
                        .toString())
                .contains("kafkausers.yaml");
    }

    private static List<JsonNode> users() {
        List<JsonNode> users = DeployFiles.documents(USERS);
        assertThat(users).extracting(SecurityManifestsTest::name).containsExactly("bridge-submitter", "bridge-worker");
        return users;
    }

    private static JsonNode user(String name) {
        return users().stream().filter(u -> name(u).equals(name)).findFirst().orElseThrow();
    }

    private static String name(JsonNode doc) {
        return doc.path("metadata").path("name").asText();
    }

    /** The role's properties: topic names and its group id. */
    private static Map<String, String> topics(String role) {
        return DeployFiles.properties("k8s/base/" + role + ".properties");
    }

    /** Whether one of the user's ACLs grants {@code operation} on the resource (All grants everything). */
    private static boolean allows(JsonNode user, String type, String name, String operation) {
        for (JsonNode acl : user.path("spec").path("authorization").path("acls")) {
            JsonNode r = acl.path("resource");
            boolean prefix = "prefix".equals(r.path("patternType").asText());
            boolean matches = type.equals(r.path("type").asText())
                    && (prefix
                            ? name.startsWith(r.path("name").asText())
                            : name.equals(r.path("name").asText()));
            List<String> ops = new ArrayList<>();
            acl.path("operations").forEach(o -> ops.add(o.asText()));
            if (matches && (ops.contains(operation) || ops.contains("All"))) {
                return true;
            }
        }
        return false;
    }
}
