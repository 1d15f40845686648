package io.batchbridge.kafka.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Three brokers in three JVMs with one controller quorum: a topic replicated three times keeps taking
 * transactional writes with {@code acks=all} while the broker leading it is SIGKILLed, and the killed node
 * rejoins with its data.
 */
@Timeout(300)
class ChildProcessKafkaClusterIT {

    @Test
    void aReplicatedTopicSurvivesTheKillOfItsLeader() throws Exception {
        try (ChildProcessKafkaCluster cluster =
                        ChildProcessKafkaCluster.create(3, Map.of()).start();
                Admin admin = Admin.create(Map.of("bootstrap.servers", cluster.bootstrapServers()))) {
            assertThat(admin.describeCluster().nodes().get()).hasSize(3);
            admin.createTopics(List.of(new NewTopic("replicated", 1, (short) 3)))
                    .all()
                    .get();
            // the new topic's metadata reaches every broker a moment after the create returns
            await().atMost(Duration.ofSeconds(60))
                    .ignoreExceptions()
                    .untilAsserted(() -> assertThat(admin.describeTopics(List.of("replicated"))
                                    .allTopicNames()
                                    .get()
                                    .get("replicated")
                                    .partitions()
                                    .get(0)
                                    .replicas())
                            .hasSize(3));

            List<String> sent = new ArrayList<>();
            try (KafkaProducer<String, String> producer = transactional(cluster.bootstrapServers())) {
                producer.initTransactions();
                write(producer, sent, "before");
                int leader = ChildProcessKafkaCluster.leaderOf(admin, "replicated", 0);
                assertThat(leader).isBetween(1, 3);
                cluster.kill(leader);
                assertThat(cluster.isRunning(leader)).isFalse();
                write(producer, sent, "after-leader-kill");
                assertThat(ChildProcessKafkaCluster.leaderOf(admin, "replicated", 0))
                        .isNotEqualTo(leader)
                        .isBetween(1, 3);
                cluster.start(leader);
                assertThat(cluster.isRunning(leader)).isTrue();
                write(producer, sent, "after-rejoin");
            }
            assertThat(EmbeddedKafkaIT.consumeValues(cluster.bootstrapServers(), "replicated", sent.size()))
                    .containsExactlyElementsOf(sent);
        }
    }

    private static void write(KafkaProducer<String, String> producer, List<String> sent, String label)
            throws Exception {
        producer.beginTransaction();
        for (int i = 0; i < 5; i++) {
            String v = label + "-" + i;
            producer.send(new ProducerRecord<>("replicated", "k", v));
            sent.add(v);
        }
        producer.commitTransaction();
    }

    private static KafkaProducer<String, String> transactional(String bootstrap) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "cluster-it");
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        return new KafkaProducer<>(p);
    }
}
