package io.batchbridge.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.batchbridge.common.kafka.CommittedReader;
import io.batchbridge.common.records.TicketCodec;
import io.batchbridge.common.topics.TopicNames;
import io.batchbridge.emulator.Emulator;
import io.batchbridge.kafka.embedded.KafkaCluster;
import io.batchbridge.kafka.embedded.KafkaClusterExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** {@code bridge submitter} as its own process: SIGTERM drains (flushes lingering lanes) before the JVM exits. */
@ExtendWith(KafkaClusterExtension.class)
class SubmitterSigtermIT {

    @Test
    @Timeout(120)
    void sigtermFlushesLingeringRequestsIntoABatchBeforeExiting(KafkaCluster cluster, @TempDir Path dir)
            throws Exception {
        try (Emulator emulator =
                Emulator.builder().port(0).timeScale(3600).build().start()) {
            TopicNames topics = RoleFixtures.provision(cluster, "sigterm");
            List<String> command = new ArrayList<>(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp",
                    System.getProperty("java.class.path"),
                    BridgeMain.class.getName()));
            command.addAll(List.of(RoleFixtures.args(
                    "submitter",
                    cluster,
                    topics,
                    null,
                    // A full lane (2 requests) flushes at once; the third lingers for a minute unless drained.
                    "bridge.submitter.max.batch.requests=2",
                    "bridge.submitter.linger.ms=60000",
                    "bridge.submitter.poll.timeout.ms=50",
                    "bridge.submitter.group.id=g-" + UUID.randomUUID(),
                    "bridge.submitter.instance.id=p-" + UUID.randomUUID())));
            Path log = dir.resolve("submitter.log");
            ProcessBuilder pb =
                    new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
            pb.environment().putAll(RoleFixtures.env(emulator));
            Process p = pb.start();
            try {
                await().atMost(Duration.ofSeconds(60))
                        .until(() -> Files.readString(log, UTF_8).contains("bridge submitter running"));
                SubmitterCommandIT.publish(cluster, topics.requests().get(0), "s-1", "s-2", "s-3");
                await().atMost(Duration.ofSeconds(30))
                        .until(() -> ticketed(cluster, topics).size() >= 2);

                p.destroy(); // SIGTERM

                assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
                assertThat(Files.readString(log, UTF_8)).contains("draining", "bridge submitter: stopped");
                assertThat(ticketed(cluster, topics)).containsExactlyInAnyOrder("s-1", "s-2", "s-3");
            } finally {
                p.destroyForcibly();
            }
        }
    }

    private static List<String> ticketed(KafkaCluster cluster, TopicNames topics) {
        return CommittedReader.readAll(cluster.bootstrapServers(), topics.batches()).stream()
                .flatMap(r -> TicketCodec.read(r.value()).items().stream())
                .map(i -> i.customId())
                .toList();
    }
}
