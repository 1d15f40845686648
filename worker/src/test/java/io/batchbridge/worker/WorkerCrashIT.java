package io.batchbridge.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.batchbridge.common.records.BridgeHeaders;
import io.batchbridge.emulator.Emulator;
import io.batchbridge.kafka.embedded.KafkaCluster;
import io.batchbridge.kafka.embedded.KafkaClusterExtension;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(KafkaClusterExtension.class)
class WorkerCrashIT {

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void aWorkerKilledBetweenTransactionsResumesWithNoDuplicateAndNoGap(KafkaCluster cluster) throws Exception {
        try (Emulator emu = Emulator.builder().timeScale(3600).seed(5).build().start();
                Pipeline p = new Pipeline(cluster, emu, 1)) {
            List<Pipeline.Published> reqs = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                String outcome = i % 10 == 3
                        ? "errored:overloaded_error"
                        : i % 10 == 7 ? "errored:invalid_request_error" : "succeeded";
                reqs.add(p.publish("r-" + i, 1000, "#emulate output_tokens=20 outcome=" + outcome));
            }
            p.submit(reqs, 3, List.of());
            // Small transactions, and a read-ahead ring larger than the file: bytes read ahead of the frozen
            // transaction must not count.
            Map<String, String> small =
                    Map.of(WorkerConfig.TXN_MAX_RECORDS, "5", WorkerConfig.FANOUT_PREFETCH_BYTES, "65536");

            // The first worker commits two transactions, then freezes inside its third, records sent, not committed.
            AtomicInteger commits = new AtomicInteger();
            CountDownLatch frozen = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            WorkerApp first = p.worker(small, (id, last) -> {
                if (commits.incrementAndGet() == 3) {
                    frozen.countDown();
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            });
            assertThat(frozen.await(60, TimeUnit.SECONDS)).isTrue();
            first.abort();

            // Its successor has the same instance id: it fences the frozen transaction and resumes from the checkpoint.
            p.worker(small);
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> terminalCount(p) >= 40 && p.committedTicketOffset() == 3);
            release.countDown();

            List<ConsumerRecord<byte[], byte[]>> all = new ArrayList<>();
            all.addAll(p.readAll(p.topics.results()));
            all.addAll(p.readAll(p.topics.retry()));
            all.addAll(p.readAll(p.topics.dlq()));
            Set<String> seen = new HashSet<>();
            List<String> duplicates = new ArrayList<>();
            for (ConsumerRecord<byte[], byte[]> r : all) {
                String origin = String.valueOf(BridgeHeaders.origin(r.headers()));
                if (!seen.add(origin)) {
                    duplicates.add(new String(r.key(), StandardCharsets.UTF_8));
                }
            }
            assertThat(duplicates).as("NO_DUPLICATE_RESULTS").isEmpty();
            Set<String> expected = new HashSet<>();
            reqs.forEach(r -> expected.add(r.at().toString()));
            assertThat(seen).as("EVERY_REQUEST_HAS_ONE_TERMINAL_OUTCOME").isEqualTo(expected);
            assertThat(p.readAll(p.topics.results())).hasSize(32);
            assertThat(p.readAll(p.topics.retry())).hasSize(4);
            assertThat(p.readAll(p.topics.dlq())).hasSize(4);
        }
    }

    private static int terminalCount(Pipeline p) {
        return p.readAll(p.topics.results()).size()
                + p.readAll(p.topics.retry()).size()
                + p.readAll(p.topics.dlq()).size();
    }
}
