package io.batchbridge.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.batchbridge.client.BatchesApiException;
import io.batchbridge.client.MessageBatch;
import io.batchbridge.common.records.BridgeHeaders;
import io.batchbridge.emulator.Emulator;
import io.batchbridge.kafka.embedded.KafkaCluster;
import io.batchbridge.kafka.embedded.KafkaClusterExtension;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A batch cancelled at the API (by an operator, say): the request that finished before the cancel is delivered,
 * the one that did not comes back {@code canceled} and follows {@code bridge.worker.canceled.policy}; with
 * {@code bridge.worker.delete.after.fanout} the batch is deleted from the API once fanned out.
 */
@ExtendWith(KafkaClusterExtension.class)
class CanceledBatchIT {

    /** Publishes a quick and a day-long request, lets the quick one finish, then cancels the batch. */
    private static MessageBatch canceledBatch(Pipeline p, Emulator emu) throws Exception {
        Pipeline.Published quick = p.publish("quick", 1000, "#emulate output_tokens=20 duration=1s outcome=succeeded");
        Pipeline.Published slow = p.publish("slow", 1000, "#emulate output_tokens=20 duration=20h outcome=succeeded");
        MessageBatch batch = p.submit(List.of(quick, slow), 1, List.of());
        emu.advance(Duration.ofMinutes(5));
        p.client.cancel(batch.id());
        emu.advance(Duration.ofMinutes(5)); // past the emulator's cancel delay: the batch ends
        return batch;
    }

    private static boolean fannedOut(Pipeline p) {
        return p.readAll(p.topics.batchEvents()).stream()
                .anyMatch(r -> new String(r.value(), StandardCharsets.UTF_8).contains("\"fanned_out\""));
    }

    private static List<String> keys(List<ConsumerRecord<byte[], byte[]>> records) {
        return records.stream()
                .map(r -> new String(r.key(), StandardCharsets.UTF_8))
                .toList();
    }

    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void deadLettersTheCanceledRequestAndDeletesTheBatchAfterFanout(KafkaCluster cluster) throws Exception {
        try (Emulator emu = Emulator.builder().timeScale(60).seed(3).build().start();
                Pipeline p = new Pipeline(cluster, emu, 1)) {
            MessageBatch batch = canceledBatch(p, emu);
            p.worker(Map.of(WorkerConfig.DELETE_AFTER_FANOUT, "true"));

            await().atMost(Duration.ofSeconds(60)).until(() -> fannedOut(p));

            assertThat(keys(p.readAll(p.topics.results()))).containsExactly("quick");
            var dead = p.readAll(p.topics.dlq());
            assertThat(keys(dead)).containsExactly("slow");
            assertThat(Pipeline.header(dead.get(0), BridgeHeaders.ERROR_REASON)).isEqualTo("canceled");
            assertThat(p.readAll(p.topics.retry())).isEmpty();
            await().atMost(Duration.ofSeconds(10))
                    .untilAsserted(() -> assertThatThrownBy(() -> p.client.retrieve(batch.id()))
                            .isInstanceOfSatisfying(
                                    BatchesApiException.class,
                                    e -> assertThat(e.status()).isEqualTo(404)));
        }
    }

    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void retriesTheCanceledRequestUnderTheRetryPolicyAndKeepsTheBatchByDefault(KafkaCluster cluster) throws Exception {
        try (Emulator emu = Emulator.builder().timeScale(60).seed(4).build().start();
                Pipeline p = new Pipeline(cluster, emu, 1)) {
            MessageBatch batch = canceledBatch(p, emu);
            p.worker(Map.of(WorkerConfig.CANCELED_POLICY, "retry"));

            await().atMost(Duration.ofSeconds(60)).until(() -> fannedOut(p));

            assertThat(keys(p.readAll(p.topics.results()))).containsExactly("quick");
            var retries = p.readAll(p.topics.retry());
            assertThat(keys(retries)).containsExactly("slow");
            assertThat(Pipeline.header(retries.get(0), BridgeHeaders.ATTEMPT)).isEqualTo("2");
            assertThat(p.readAll(p.topics.dlq())).isEmpty();
            assertThat(p.client.retrieve(batch.id()).ended()).isTrue();
        }
    }
}
