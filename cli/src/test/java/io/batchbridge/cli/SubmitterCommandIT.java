package io.batchbridge.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.batchbridge.common.kafka.CommittedReader;
import io.batchbridge.common.kafka.KafkaClientDefaults;
import io.batchbridge.common.records.TicketCodec;
import io.batchbridge.common.topics.TopicNames;
import io.batchbridge.emulator.Emulator;
import io.batchbridge.kafka.embedded.KafkaCluster;
import io.batchbridge.kafka.embedded.KafkaClusterExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(KafkaClusterExtension.class)
class SubmitterCommandIT {

    @Test
    @Timeout(120)
    void runsFromEnvironmentFileAndSetUntilStoppedAndWritesTickets(KafkaCluster cluster, @TempDir Path dir)
            throws Exception {
        try (Emulator emulator =
                Emulator.builder().port(0).timeScale(3600).build().start()) {
            TopicNames topics = RoleFixtures.provision(cluster, "subcmd");
            Path file = dir.resolve("submitter.properties");
            Files.writeString(
                    file,
                    "bridge.topics.requests=" + topics.requests().get(0) + "\nbridge.submitter.linger.ms=60000\n",
                    UTF_8);
            Map<String, String> env = new HashMap<>(RoleFixtures.env(emulator));
            env.put("BRIDGE_SUBMITTER_LINGER_MS", "300"); // the environment wins over the file
            env.put("BRIDGE_SUBMITTER_POLL_TIMEOUT_MS", "50");
            Cli cli = new Cli();
            cli.<SubmitterCommand>command("submitter").options.env = env;

            CompletableFuture<Integer> rc = cli.start(RoleFixtures.args(
                    "submitter",
                    cluster,
                    topics,
                    file,
                    "bridge.submitter.group.id=g-" + UUID.randomUUID(),
                    "bridge.submitter.instance.id=cli-" + UUID.randomUUID()));
            await().atMost(Duration.ofSeconds(30)).until(() -> cli.out().contains("bridge submitter running"));
            publish(cluster, topics.requests().get(0), "t-1", "t-2", "t-3");

            await().atMost(Duration.ofSeconds(60))
                    .until(() -> ticketed(cluster, topics).size() == 3);
            assertThat(ticketed(cluster, topics)).containsExactlyInAnyOrder("t-1", "t-2", "t-3");
            assertThat(rc).isNotDone();

            cli.<SubmitterCommand>command("submitter").stop();

            assertThat(rc.get()).isZero();
            assertThat(cli.out()).contains("draining", "bridge submitter: stopped");
        }
    }

    @Test
    @Timeout(60)
    void invalidConfigurationFailsAtStartListingEveryError() {
        Cli cli = new Cli();
        cli.<SubmitterCommand>command("submitter").options.env = Map.of("BRIDGE_SUBMITTER_LINGER_MS", "soon");

        int rc = cli.run(
                "submitter",
                "--set",
                "bridge.submitter.max.batch.requests=250000",
                "--set",
                "bridge.submitter.lingr.ms=5",
                "--set",
                "bridge.api.max.retries=-1",
                "--set",
                "bridge.api.accounts=default",
                "--set",
                "kafka.producer.acks=maybe",
                "--set",
                "kafka.consumer.max.poll.records=0",
                "--set",
                "bridge.api.account.default.base.url=not a url");

        assertThat(rc).isEqualTo(2);
        assertThat(cli.err())
                .contains("bridge submitter: invalid configuration")
                .contains("bridge.submitter.linger.ms")
                .contains("bridge.submitter.max.batch.requests")
                .contains("250000")
                .contains("bridge.submitter.lingr.ms is not a submitter configuration key")
                .contains("bridge.api.max.retries")
                .contains("bridge.api.account.default.key must be set")
                .contains("kafka.bootstrap.servers must be set")
                .contains("kafka.producer.acks: ")
                .contains("kafka.consumer.max.poll.records: ");
        assertThat(cli.out()).doesNotContain("running");
    }

    private static List<String> ticketed(KafkaCluster cluster, TopicNames topics) {
        return CommittedReader.readAll(cluster.bootstrapServers(), topics.batches()).stream()
                .flatMap(r -> TicketCodec.read(r.value()).items().stream())
                .map(i -> i.customId())
                .toList();
    }

    static void publish(KafkaCluster cluster, String topic, String... customIds) {
        try (KafkaProducer<byte[], byte[]> p =
                new KafkaProducer<>(KafkaClientDefaults.producer(cluster.bootstrapServers()))) {
            for (String id : customIds) {
                p.send(new ProducerRecord<>(
                        topic, id.getBytes(UTF_8), RoleFixtures.request(id).getBytes(UTF_8)));
            }
            p.flush();
        }
    }
}
