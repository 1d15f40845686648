package io.batchbridge.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.batchbridge.common.topics.TopicNames;
import io.batchbridge.emulator.Emulator;
import io.batchbridge.kafka.embedded.KafkaCluster;
import io.batchbridge.kafka.embedded.KafkaClusterExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The everyday path end to end through the command line: produce → submitter → worker → tail. */
@ExtendWith(KafkaClusterExtension.class)
class WorkerCommandIT {

    @Test
    @Timeout(150)
    void workerDeliversResultsOfRequestsPublishedWithProduceAndStopsOnRequest(KafkaCluster cluster, @TempDir Path dir)
            throws Exception {
        try (Emulator emulator =
                Emulator.builder().port(0).timeScale(3600).build().start()) {
            TopicNames topics = RoleFixtures.provision(cluster, "wcmd");
            Map<String, String> env = RoleFixtures.env(emulator);
            Cli submitter = new Cli();
            submitter.<SubmitterCommand>command("submitter").options.env = env;
            Cli worker = new Cli();
            worker.<WorkerCommand>command("worker").options.env = env;
            CompletableFuture<Integer> submitterRc = submitter.start(RoleFixtures.args(
                    "submitter",
                    cluster,
                    topics,
                    null,
                    "bridge.submitter.linger.ms=300",
                    "bridge.submitter.group.id=g-" + UUID.randomUUID(),
                    "bridge.submitter.instance.id=s-" + UUID.randomUUID()));
            CompletableFuture<Integer> workerRc = worker.start(RoleFixtures.args(
                    "worker",
                    cluster,
                    topics,
                    null,
                    "bridge.worker.poll.initial.ms=300",
                    "bridge.worker.poll.max.ms=1000",
                    "bridge.worker.max.calls.per.second=200",
                    "bridge.worker.fanout.retry.ms=300",
                    "bridge.worker.group.id=g-" + UUID.randomUUID(),
                    "bridge.worker.instance.id=w-" + UUID.randomUUID()));
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> worker.out().contains("bridge worker running")
                            && submitter.out().contains("bridge submitter running"));

            Path requests = dir.resolve("requests.jsonl");
            Files.writeString(
                    requests,
                    RoleFixtures.request("w-1") + "\n" + RoleFixtures.request("w-2") + "\n"
                            + RoleFixtures.request("w-3") + "\n",
                    UTF_8);
            Cli.Result produced = Cli.exec(
                    "produce",
                    "--bootstrap-servers",
                    cluster.bootstrapServers(),
                    "--topic",
                    topics.requests().get(0),
                    requests.toString());
            assertThat(produced.exitCode()).isZero();

            Cli.Result tail = Cli.exec(
                    "tail",
                    "--bootstrap-servers",
                    cluster.bootstrapServers(),
                    "--topic",
                    topics.results(),
                    "--from-beginning",
                    "--max",
                    "3");

            assertThat(tail.exitCode()).isZero();
            assertThat(tail.out().lines())
                    .hasSize(3)
                    .allSatisfy(l -> assertThat(l).contains("type=succeeded", "stop_reason=end_turn", "cost_usd="));
            assertThat(tail.out()).contains("key=w-1", "key=w-2", "key=w-3");
            assertThat(workerRc).isNotDone();

            worker.<WorkerCommand>command("worker").stop();
            submitter.<SubmitterCommand>command("submitter").stop();

            assertThat(workerRc.get()).isZero();
            assertThat(submitterRc.get()).isZero();
            assertThat(worker.out()).contains("bridge worker: stopped");
        }
    }

    @Test
    @Timeout(30)
    void invalidWorkerConfigurationListsEveryError() {
        Cli cli = new Cli();
        cli.<WorkerCommand>command("worker").options.env = Map.of("ANTHROPIC_API_KEY", "k");

        int rc = cli.run(
                "worker",
                "--bootstrap-servers",
                "127.0.0.1:1",
                "--set",
                "bridge.worker.poll.multiplier=0.5",
                "--set",
                "bridge.worker.fanout.threads=0");

        assertThat(rc).isEqualTo(2);
        assertThat(cli.err())
                .contains("invalid configuration (2 errors)")
                .contains("bridge.worker.poll.multiplier")
                .contains("bridge.worker.fanout.threads");
    }
}
