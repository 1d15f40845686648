package io.batchbridge.common.topics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.batchbridge.common.validation.ValidationPolicy.TopicDirectory;
import io.batchbridge.kafka.embedded.EmbeddedKafka;
import io.batchbridge.kafka.embedded.KafkaCluster;
import io.batchbridge.kafka.embedded.KafkaClusterExtension;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A producer's {@code reply_to} is looked up with the Admin client only: on a broker with
 * {@code auto.create.topics.enable=true} (Kafka's default) the lookup must not create the topic it asks about.
 */
@ExtendWith(KafkaClusterExtension.class)
@Timeout(180)
class AdminTopicDirectoryIT {

    @Test
    void onABrokerThatAutoCreatesTopicsAskingNeverCreatesOne() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.builder()
                        .brokerProperty("auto.create.topics.enable", "true")
                        .build()
                        .start();
                Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
            AdminTopicDirectory directory = directory(admin);
            assertThat(directory.exists("bridge.results.nope")).isFalse();
            assertThat(directory.exists("bridge.results.nope")).isFalse();
            assertThat(admin.listTopics().names().get()).doesNotContain("bridge.results.nope");

            // the control: on this broker a producer's metadata request does create the topic it names
            try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                    "bootstrap.servers",
                    kafka.bootstrapServers(),
                    "key.serializer",
                    ByteArraySerializer.class.getName(),
                    "value.serializer",
                    ByteArraySerializer.class.getName()))) {
                producer.partitionsFor("bridge.results.created-by-a-producer");
            }
            assertThat(admin.listTopics().names().get()).contains("bridge.results.created-by-a-producer");
        }
    }

    @Test
    void aTopicCreatedAMomentAgoIsFoundAndAMissingOneIsNot(KafkaCluster cluster) throws Exception {
        String topic = KafkaClusterExtension.uniqueTopic("dir") + ".results";
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", cluster.bootstrapServers()))) {
            // a miss lists the topics again when the last listing is older than the miss refresh (here: zero)
            AdminTopicDirectory directory = new AdminTopicDirectory(
                    admin, Clock.systemUTC(), Duration.ofSeconds(60), Duration.ZERO, Duration.ofSeconds(10));
            assertThat(directory.exists(topic)).isFalse();
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
            // the broker's metadata has the topic a moment after the create returns; every miss lists again
            await().atMost(Duration.ofSeconds(30)).until(() -> directory.exists(topic));
            assertThat(admin.listTopics().names().get()).doesNotContain(topic + ".other");
            assertThat(directory.exists(topic + ".other")).isFalse();
            assertThat(admin.listTopics().names().get()).doesNotContain(topic + ".other");
        }
    }

    @Test
    void anUnreachableClusterIsUnavailableNeverAMissingTopic() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort(); // closed again: nothing listens there
        }
        try (Admin admin = Admin.create(Map.of(
                "bootstrap.servers", "127.0.0.1:" + port,
                "default.api.timeout.ms", "2000",
                "request.timeout.ms", "1000"))) {
            AdminTopicDirectory directory = new AdminTopicDirectory(
                    admin, Clock.systemUTC(), Duration.ofSeconds(60), Duration.ofSeconds(1), Duration.ofSeconds(3));
            assertThatThrownBy(() -> directory.exists("bridge.results.a"))
                    .isInstanceOf(TopicDirectory.Unavailable.class);
        }
    }

    private static AdminTopicDirectory directory(Admin admin) {
        return AdminTopicDirectory.of(admin);
    }
}
