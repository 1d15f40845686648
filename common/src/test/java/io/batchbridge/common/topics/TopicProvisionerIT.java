package io.batchbridge.common.topics;

import static org.assertj.core.api.Assertions.assertThat;

import io.batchbridge.common.kafka.KafkaClientDefaults;
import io.batchbridge.kafka.embedded.KafkaCluster;
import io.batchbridge.kafka.embedded.KafkaClusterExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(KafkaClusterExtension.class)
@Timeout(120)
class TopicProvisionerIT {
    private Admin admin;
    private String bootstrap;
    private TopicNames names;

    @BeforeEach
    void setUp(KafkaCluster cluster) {
        bootstrap = cluster.bootstrapServers();
        admin = Admin.create(Map.of("bootstrap.servers", bootstrap));
        names = TopicNames.withPrefix(KafkaClusterExtension.uniqueTopic("prov") + ".");
    }

    @Test
    void provisioningTwiceCreatesOnceAndFindsNothingWrong() {
        TopicProvisioner provisioner = new TopicProvisioner(admin);
        ProvisionReport first = provisioner.provision(names.specs(2, (short) 1), false);
        ProvisionReport second = provisioner.provision(names.specs(2, (short) 1), false);

        assertThat(first.created()).hasSize(9).contains(names.results(), names.checkpoints(), names.intents());
        assertThat(first.existing()).isEmpty();
        assertThat(second.created()).isEmpty();
        assertThat(second.existing()).hasSize(9);
        assertThat(second.violations()).isEmpty();
        assertThat(second.healthy()).isTrue();
    }

    @Test
    void checkReportsMissingTopicsWithoutCreatingThem() throws Exception {
        ProvisionReport report = new TopicProvisioner(admin).checkOnly(names.specs(1, (short) 1));

        assertThat(report.missing()).hasSize(9);
        assertThat(report.healthy()).isFalse();
        assertThat(admin.listTopics().names().get()).doesNotContain(names.results());
    }

    @Test
    void requestTopicWithOneHourRetentionIsFlaggedAndFixedOnRequest() throws Exception {
        String requests = names.requests().get(0);
        admin.createTopics(List.of(new NewTopic(requests, 1, (short) 1)
                        .configs(Map.of(
                                "retention.ms",
                                String.valueOf(Duration.ofHours(1).toMillis())))))
                .all()
                .get();
        TopicProvisioner provisioner = new TopicProvisioner(admin);

        ProvisionReport checked = provisioner.provision(names.specs(1, (short) 1), false);
        assertThat(checked.healthy()).isFalse();
        assertThat(checked.violations()).anySatisfy(v -> {
            assertThat(v.topic()).isEqualTo(requests);
            assertThat(v.key()).isEqualTo("retention.ms");
            assertThat(v.problem()).contains("must be at least 172800000 but was 3600000");
        });

        ProvisionReport fixed = provisioner.provision(names.specs(1, (short) 1), true);
        assertThat(fixed.fixed()).isNotEmpty();
        assertThat(provisioner.provision(names.specs(1, (short) 1), false).violations())
                .isEmpty();
    }

    @Test
    void recordOfTwoMebibytesPassesAProvisionedOutputTopicIntact() {
        new TopicProvisioner(admin).provision(names.specs(1, (short) 1), false);
        byte[] value = new byte[2 * 1024 * 1024];
        new Random(42).nextBytes(value);

        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(KafkaClientDefaults.producer(bootstrap))) {
            producer.send(new ProducerRecord<>(names.results(), "big".getBytes(), value));
            producer.flush();
        }
        List<byte[]> got = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(KafkaClientDefaults.consumer(bootstrap, "g-" + UUID.randomUUID()))) {
            consumer.subscribe(List.of(names.results()));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (got.isEmpty() && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    got.add(r.value());
                }
            }
        }
        assertThat(got).hasSize(1);
        assertThat(got.get(0)).isEqualTo(value);
    }
}
