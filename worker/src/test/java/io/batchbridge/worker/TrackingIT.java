package io.batchbridge.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.batchbridge.client.CreateBody;
import io.batchbridge.client.MessageBatch;
import io.batchbridge.common.records.TicketItem;
import io.batchbridge.emulator.Emulator;
import io.batchbridge.kafka.embedded.KafkaCluster;
import io.batchbridge.kafka.embedded.KafkaClusterExtension;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(KafkaClusterExtension.class)
class TrackingIT {

    @Test
    @Timeout(value = 300, unit = TimeUnit.SECONDS)
    void tracksTwoThousandOpenBatchesWithTheApiCallRateUnderTheCap(KafkaCluster cluster) throws Exception {
        try (Emulator emu = Emulator.builder().timeScale(1).seed(6).build().start();
                Pipeline p = new Pipeline(cluster, emu, 1)) {
            var req = p.publish("slow", 1000, "#emulate output_tokens=10 outcome=succeeded duration=86000");
            String id =
                    TicketItem.batchCustomId(0, req.at().partition(), req.at().offset());
            byte[] params = Pipeline.params(req.envelope()).getBytes(StandardCharsets.UTF_8);
            TicketItem item = new TicketItem(id, req.customId(), null, 1, null, req.at());
            List<MessageBatch> batches = IntStream.range(0, 2000)
                    .parallel()
                    .mapToObj(i -> {
                        CreateBody.Builder body = CreateBody.inMemory();
                        body.add(id, params);
                        return p.client.create(body.build(), List.of());
                    })
                    .toList();
            p.writeTickets(batches, item);
            double cap = 100;
            WorkerApp w = p.worker(Map.of(
                    WorkerConfig.POLL_INITIAL_MS, "500",
                    WorkerConfig.POLL_MAX_MS, "2000",
                    WorkerConfig.MAX_CALLS_PER_SECOND, String.valueOf(cap),
                    WorkerConfig.MAX_CONCURRENT_CALLS, "8"));

            await().atMost(Duration.ofSeconds(90)).until(() -> w.openBatches() == 2000);
            double polls0 = polls(p);
            long t0 = System.nanoTime();
            await().atMost(Duration.ofSeconds(180)).until(() -> polls(p) - polls0 >= 600);
            double calls = polls(p) - polls0;
            double seconds = (System.nanoTime() - t0) / 1e9;
            System.out.printf("2000 open batches: %.1f retrieves/s against a cap of %.0f/s%n", calls / seconds, cap);
            // The pacer's logical limit, true on any machine: slots are 1/cap apart, so a window of `seconds` holds
            // at most cap * seconds + 1 of them, plus the calls already slotted (at most the call pool's 8) that
            // complete inside it. There is no lower bound: how fast a busy machine polls is `./bridge bench`'s job.
            assertThat(calls).isLessThanOrEqualTo(cap * seconds + 1 + 8);
            assertThat(p.readAll(p.topics.results())).isEmpty();
        }
    }

    private static double polls(Pipeline p) {
        return p.registry.find("bridge.worker.polls").counters().stream()
                .mapToDouble(c -> c.count())
                .sum();
    }
}
