package io.batchbridge.common.topics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.batchbridge.kafka.embedded.ChildProcessKafkaCluster;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** On a three-broker cluster the pipeline's topics get three replicas and {@code min.insync.replicas} 2. */
@Timeout(300)
class ReplicatedProvisioningIT {

    @Test
    void threeBrokersGiveThreeReplicasAndAMinimumInSyncOfTwo() throws Exception {
        try (ChildProcessKafkaCluster cluster =
                        ChildProcessKafkaCluster.create(3, Map.of()).start();
                Admin admin = Admin.create(Map.of("bootstrap.servers", cluster.bootstrapServers()))) {
            TopicProvisioner provisioner = new TopicProvisioner(admin);
            assertThat(provisioner.replicationFactor()).isEqualTo((short) 3);
            TopicNames names = TopicNames.withPrefix("rep.");
            provisioner.provision(names.specs(2, provisioner.replicationFactor()), false);

            // a new topic's metadata reaches every broker a moment after the create returns: ask until it has
            ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, names.batches());
            await().atMost(Duration.ofSeconds(60)).ignoreExceptions().untilAsserted(() -> {
                TopicDescription batches = admin.describeTopics(List.of(names.batches()))
                        .allTopicNames()
                        .get()
                        .get(names.batches());
                assertThat(batches.partitions())
                        .allSatisfy(p -> assertThat(p.replicas()).hasSize(3));
                assertThat(admin.describeConfigs(List.of(resource))
                                .all()
                                .get()
                                .get(resource)
                                .get("min.insync.replicas")
                                .value())
                        .isEqualTo("2");
            });
        }
    }
}
