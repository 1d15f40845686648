package io.batchbridge.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.batchbridge.common.kafka.CommittedReader;
import io.batchbridge.common.model.ModelCatalogue;
import io.batchbridge.common.model.PriceRates;
import io.batchbridge.common.model.SpendEntry;
import io.batchbridge.common.topics.TopicNames;
import io.batchbridge.emulator.Emulator;
import io.batchbridge.kafka.embedded.KafkaCluster;
import io.batchbridge.kafka.embedded.KafkaClusterExtension;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Issue #23, end to end: a submitter whose daily limit fits four batches at their worst case creates all twelve,
 * because the worker reports each fanned-out batch's actual cost to the spend ledger and the guard counts that
 * instead (without reconciliation it would stop at four and wait for the next UTC day).
 */
@ExtendWith(KafkaClusterExtension.class)
class SpendReconcileIT {
    private static final int REQUESTS = 12;
    private static final long MAX_TOKENS = 1000;

    @Test
    @Timeout(300)
    void theWorkersActualCostsLetTheSubmitterCreateBeyondTheWorstCaseOfItsLimit(KafkaCluster cluster) throws Exception {
        try (Emulator emulator =
                Emulator.builder().port(0).timeScale(3600).build().start()) {
            TopicNames topics = RoleFixtures.provision(cluster, "spend");
            String params = "{\"model\":\"claude-haiku-4-5\",\"max_tokens\":" + MAX_TOKENS
                    + ",\"messages\":[{\"role\":\"user\",\"content\":\"hi #emulate output_tokens=9 duration=2s\"}]}";
            PriceRates r = ModelCatalogue.defaults()
                    .find("claude-haiku-4-5")
                    .orElseThrow()
                    .prices()
                    .rates();
            long worst = PriceRates.micros(params.getBytes(UTF_8).length / 4, r.input())
                    + PriceRates.micros(MAX_TOKENS, r.output());
            double limitUsd = (4 * worst + worst / 2) / 1e6;
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
                    "bridge.submitter.spend.limit.usd.per.day=" + limitUsd,
                    "bridge.submitter.max.batch.requests=1",
                    "bridge.submitter.linger.ms=100",
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
                    "bridge.worker.group.id=g-" + UUID.randomUUID(),
                    "bridge.worker.instance.id=w-" + UUID.randomUUID()));
            try {
                await().atMost(Duration.ofSeconds(60))
                        .until(() -> worker.out().contains("bridge worker running")
                                && submitter.out().contains("bridge submitter running"));
                for (int i = 0; i < REQUESTS; i++) {
                    String id = "spend-" + i;
                    TailCommandIT.publish(
                            cluster,
                            new ProducerRecord<>(
                                    topics.requests().get(0),
                                    id.getBytes(UTF_8),
                                    ("{\"custom_id\":\"" + id + "\",\"params\":" + params + "}").getBytes(UTF_8)));
                }
                await().atMost(Duration.ofSeconds(180))
                        .pollInterval(Duration.ofMillis(500))
                        .until(() -> read(cluster, topics.results()).size() == REQUESTS);
            } finally {
                worker.<WorkerCommand>command("worker").stop();
                submitter.<SubmitterCommand>command("submitter").stop();
            }
            assertThat(workerRc.get()).isZero();
            assertThat(submitterRc.get()).isZero();

            List<SpendEntry> actuals = read(cluster, topics.spend()).stream()
                    .filter(x -> new String(x.key(), UTF_8).startsWith(SpendEntry.BATCH_PREFIX))
                    .map(x -> SpendEntry.fromJson(x.value()))
                    .toList();
            assertThat(actuals)
                    .hasSize(REQUESTS)
                    .allSatisfy(a -> assertThat(a.micros()).isPositive().isLessThan(worst));
        }
    }

    private static List<ConsumerRecord<byte[], byte[]>> read(KafkaCluster cluster, String topic) {
        return CommittedReader.readAll(cluster.bootstrapServers(), topic);
    }
}
