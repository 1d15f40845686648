package io.batchbridge.worker.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.batchbridge.kafka.embedded.KafkaCluster;
import io.batchbridge.kafka.embedded.KafkaClusterExtension;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The Admin-only existence check of output topics and its cache, against a real broker. */
@ExtendWith(KafkaClusterExtension.class)
class DestinationsIT {
    private final AtomicLong now = new AtomicLong();

    @Test
    void answersFromTheClusterAndRemembersTheAnswerUntilItsTtlOrAFailedSend(KafkaCluster cluster) throws Exception {
        String topic = KafkaClusterExtension.uniqueTopic("dest");
        try (Admin admin =
                Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers()))) {
            Destinations d = new Destinations(admin, Duration.ofSeconds(30), now::get);

            assertThat(d.unusable(topic))
                    .hasValueSatisfying(why -> assertThat(why).contains(topic).contains("does not exist"));
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
            assertThat(d.unusable(topic)).as("cached").isPresent();

            now.addAndGet(Duration.ofSeconds(31).toNanos());
            assertThat(d.unusable(topic)).as("asked again after the TTL").isEmpty();

            admin.deleteTopics(List.of(topic)).all().get();
            assertThat(d.unusable(topic)).as("cached").isEmpty();
            await().atMost(Duration.ofSeconds(30))
                    .alias("asked again after a failed send")
                    .until(() -> {
                        d.forget(topic);
                        return d.unusable(topic).isPresent();
                    });
            assertThat(admin.listTopics().names().get()).doesNotContain(topic);
        }
    }
}
