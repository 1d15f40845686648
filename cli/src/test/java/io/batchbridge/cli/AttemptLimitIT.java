package io.batchbridge.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.batchbridge.common.kafka.CommittedReader;
import io.batchbridge.common.records.BridgeHeaders;
import io.batchbridge.common.records.EnvelopeCodec;
import io.batchbridge.common.records.RequestEnvelope;
import io.batchbridge.common.records.Ticket;
import io.batchbridge.common.records.TicketCodec;
import io.batchbridge.common.records.TicketItem;
import io.batchbridge.common.topics.TopicNames;
import io.batchbridge.emulator.Emulator;
import io.batchbridge.kafka.embedded.KafkaCluster;
import io.batchbridge.kafka.embedded.KafkaClusterExtension;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Issue #19: one source of truth for the attempt limit. The submitter decides a request's limit when it enters
 * ({@code bridge.submitter.retry.max.attempts}) and the limit travels with it (ticket item, retry record); the
 * worker obeys it whatever its own deprecated {@code bridge.worker.retry.max.attempts} says. A request that always
 * fails transiently gets exactly the submitter's number of attempts, then exactly one dead letter
 * {@code attempts_exhausted}: neither a loop nor a silent drop, whichever way the two settings disagree.
 */
@ExtendWith(KafkaClusterExtension.class)
class AttemptLimitIT {
    private static final String CUSTOM_ID = "always-busy";

    @ParameterizedTest(name = "submitter {0}, worker {1}")
    @CsvSource({"2, 5", "5, 2"})
    @Timeout(300)
    void aRequestGetsTheSubmittersNumberOfAttemptsThenOneDeadLetter(
            int submitterLimit, int workerLimit, KafkaCluster cluster) throws Exception {
        try (Emulator emulator =
                Emulator.builder().port(0).timeScale(3600).build().start()) {
            TopicNames topics = RoleFixtures.provision(cluster, "attempts");
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
                    "bridge.submitter.retry.max.attempts=" + submitterLimit,
                    "bridge.submitter.linger.ms=300",
                    "bridge.submitter.group.id=g-" + UUID.randomUUID(),
                    "bridge.submitter.instance.id=s-" + UUID.randomUUID()));
            CompletableFuture<Integer> workerRc = worker.start(RoleFixtures.args(
                    "worker",
                    cluster,
                    topics,
                    null,
                    "bridge.worker.retry.max.attempts=" + workerLimit,
                    "bridge.worker.retry.backoff.initial.ms=0",
                    "bridge.worker.retry.backoff.max.ms=0",
                    "bridge.worker.poll.initial.ms=300",
                    "bridge.worker.poll.max.ms=1000",
                    "bridge.worker.max.calls.per.second=200",
                    "bridge.worker.fanout.retry.ms=300",
                    "bridge.worker.group.id=g-" + UUID.randomUUID(),
                    "bridge.worker.instance.id=w-" + UUID.randomUUID()));
            try {
                await().atMost(Duration.ofSeconds(60))
                        .until(() -> worker.out().contains("bridge worker running")
                                && submitter.out().contains("bridge submitter running"));
                String request = "{\"custom_id\":\"" + CUSTOM_ID + "\",\"params\":{\"model\":\"claude-haiku-4-5\","
                        + "\"max_tokens\":100,\"messages\":[{\"role\":\"user\",\"content\":"
                        + "\"hi #emulate outcome=errored:overloaded_error\"}]}}";
                TailCommandIT.publish(
                        cluster,
                        new ProducerRecord<>(
                                topics.requests().get(0), CUSTOM_ID.getBytes(UTF_8), request.getBytes(UTF_8)));

                // the only wait: for the terminal record; nothing below depends on how fast it came
                await().atMost(Duration.ofSeconds(240))
                        .pollInterval(Duration.ofMillis(500))
                        .until(() -> !read(cluster, topics.dlq()).isEmpty());
            } finally {
                worker.<WorkerCommand>command("worker").stop();
                submitter.<SubmitterCommand>command("submitter").stop();
            }
            assertThat(workerRc.get()).isZero();
            assertThat(submitterRc.get()).isZero();

            // read after both roles stopped: whatever they were going to write is there
            List<ConsumerRecord<byte[], byte[]>> dead = read(cluster, topics.dlq());
            assertThat(dead).as("exactly one dead letter").hasSize(1);
            ConsumerRecord<byte[], byte[]> d = dead.get(0);
            assertThat(new String(d.key(), UTF_8)).isEqualTo(CUSTOM_ID);
            assertThat(BridgeHeaders.get(d.headers(), BridgeHeaders.ERROR_REASON))
                    .isEqualTo("attempts_exhausted");
            assertThat(BridgeHeaders.get(d.headers(), BridgeHeaders.ATTEMPT)).isEqualTo(String.valueOf(submitterLimit));
            assertThat(BridgeHeaders.get(d.headers(), BridgeHeaders.ERROR_MESSAGE))
                    .startsWith(
                            "attempt " + submitterLimit + " of " + submitterLimit + " failed with overloaded_error");

            List<RequestEnvelope> retries = read(cluster, topics.retry()).stream()
                    .map(r -> envelope(r.value()))
                    .toList();
            assertThat(retries)
                    .as("one retry record per failed attempt but the last")
                    .extracting(RequestEnvelope::attempt)
                    .containsExactlyInAnyOrderElementsOf(
                            IntStream.rangeClosed(2, submitterLimit).boxed().toList());
            assertThat(retries).extracting(RequestEnvelope::maxAttempts).containsOnly(submitterLimit);

            List<TicketItem> submitted = read(cluster, topics.batches()).stream()
                    .map(r -> TicketCodec.read(r.value()))
                    .map(Ticket::items)
                    .flatMap(List::stream)
                    .toList();
            assertThat(submitted)
                    .as("one submission per attempt, each carrying the submitter's limit")
                    .extracting(TicketItem::attempt)
                    .containsExactlyInAnyOrderElementsOf(
                            IntStream.rangeClosed(1, submitterLimit).boxed().toList());
            assertThat(submitted).extracting(TicketItem::maxAttempts).containsOnly(submitterLimit);
            assertThat(read(cluster, topics.results())).isEmpty();
        }
    }

    private static List<ConsumerRecord<byte[], byte[]>> read(KafkaCluster cluster, String topic) {
        return CommittedReader.readAll(cluster.bootstrapServers(), topic);
    }

    private static RequestEnvelope envelope(byte[] value) {
        try {
            return EnvelopeCodec.parse(value).envelope();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
