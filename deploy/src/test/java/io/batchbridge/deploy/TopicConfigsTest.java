package io.batchbridge.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.batchbridge.common.config.CommonKeys;
import io.batchbridge.common.topics.TopicNames;
import io.batchbridge.common.topics.TopicRole;
import io.batchbridge.common.topics.TopicSpec;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The topics the deployments create carry what {@code TopicProvisioner} applies: the Strimzi
 * {@code KafkaTopic}s are rendered from {@link TopicRole#creationConfigs()} (and must equal it), and compose
 * provisions with {@code bridge topics create}, which is the provisioner itself.
 */
class TopicConfigsTest {
    private final List<JsonNode> kafkaTopics = DeployFiles.documents("k8s/base/topics.yaml");

    @Test
    void strimziTopicsFileIsTheRenderingOfTheProvisionerConfigs() {
        assertThat(DeployFiles.text("k8s/base/topics.yaml"))
                .as("regenerate: see io.batchbridge.deploy.StrimziTopics")
                .isEqualTo(
                        StrimziTopics.render(TopicNames.defaults(), StrimziTopics.PARTITIONS, StrimziTopics.REPLICAS));
    }

    @Test
    void everyRoleHasAKafkaTopicWithExactlyTheCreationConfigs() {
        Map<String, TopicRole> roleByName = new LinkedHashMap<>();
        for (TopicSpec s : TopicNames.defaults().specs(1, (short) 1)) {
            roleByName.put(s.name(), s.role());
        }
        Set<TopicRole> seen = EnumSet.noneOf(TopicRole.class);
        for (JsonNode t : kafkaTopics) {
            assertThat(t.path("kind").asText()).isEqualTo("KafkaTopic");
            String name = t.path("spec").path("topicName").asText();
            TopicRole role = roleByName.get(name);
            assertThat(role).as("topic " + name + " is a pipeline topic").isNotNull();
            Map<String, String> config = new LinkedHashMap<>();
            t.path("spec")
                    .path("config")
                    .fields()
                    .forEachRemaining(e -> config.put(e.getKey(), e.getValue().asText()));
            assertThat(config).as(name).isEqualTo(role.creationConfigs());
            assertThat(t.path("spec").path("partitions").asInt()).isPositive();
            assertThat(t.path("spec").path("replicas").asInt()).isBetween(1, 5);
            assertThat(t.path("metadata")
                            .path("labels")
                            .path("strimzi.io/cluster")
                            .asText())
                    .isNotBlank();
            seen.add(role);
        }
        assertThat(seen).containsExactlyInAnyOrder(TopicRole.values());
        assertThat(kafkaTopics).hasSize(roleByName.size());
    }

    @Test
    void strimziTopicNamesAreTheOnesTheRolesAreConfiguredWith() {
        List<String> names = new ArrayList<>();
        kafkaTopics.forEach(t -> names.add(t.path("spec").path("topicName").asText()));
        for (String file : List.of("k8s/base/submitter.properties", "k8s/base/worker.properties")) {
            Map<String, String> p = DeployFiles.properties(file);
            for (String key : List.of(
                    CommonKeys.TOPIC_REQUESTS,
                    CommonKeys.TOPIC_BATCHES,
                    CommonKeys.TOPIC_RESULTS,
                    CommonKeys.TOPIC_RETRY,
                    CommonKeys.TOPIC_DLQ,
                    CommonKeys.TOPIC_BATCH_EVENTS,
                    CommonKeys.TOPIC_CHECKPOINTS,
                    CommonKeys.TOPIC_SPEND)) {
                assertThat(names).as(file + " " + key).contains(p.get(key));
            }
        }
    }

    @Test
    void composeProvisionsWithTheProvisionerUnderThePrefixOfTheConfiguredNames() {
        JsonNode topics = DeployFiles.documents("compose/compose.yaml")
                .get(0)
                .path("services")
                .path("topics");
        List<String> command = new ArrayList<>();
        topics.path("command").forEach(c -> command.add(c.asText()));
        assertThat(command.subList(0, 2)).containsExactly("topics", "create");
        assertThat(command).containsSubsequence("--bootstrap-servers", "kafka:9092");
        String prefix = command.get(command.indexOf("--prefix") + 1);
        TopicNames provisioned = TopicNames.withPrefix(prefix);
        Map<String, String> p = DeployFiles.properties("compose/bridge.properties");
        assertThat(p.getOrDefault(CommonKeys.TOPIC_REQUESTS, "bridge.requests"))
                .isEqualTo(String.join(",", provisioned.requests()));
        assertThat(p.getOrDefault(CommonKeys.TOPIC_RESULTS, "bridge.results")).isEqualTo(provisioned.results());
        assertThat(p.getOrDefault(CommonKeys.TOPIC_DLQ, "bridge.dlq")).isEqualTo(provisioned.dlq());
        for (String key : p.keySet()) {
            assertThat(key.startsWith("bridge.topics.") && !p.get(key).startsWith(prefix))
                    .as(key + " is a topic outside the provisioned prefix " + prefix)
                    .isFalse();
        }
        // the demo producer writes where the submitter reads
        List<String> produce = new ArrayList<>();
        DeployFiles.documents("compose/compose.yaml")
                .get(0)
                .path("services")
                .path("producer")
                .path("command")
                .forEach(c -> produce.add(c.asText()));
        assertThat(produce.get(produce.indexOf("--topic") + 1))
                .isEqualTo(provisioned.requests().get(0));
    }
}
