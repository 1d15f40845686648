package io.batchbridge.submitter;

import static io.batchbridge.submitter.SubmitterHarness.params;
import static io.batchbridge.submitter.SubmitterHarness.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.batchbridge.common.kafka.CommittedReader;
import io.batchbridge.common.records.TicketCodec;
import io.batchbridge.kafka.embedded.KafkaCluster;
import io.batchbridge.kafka.embedded.KafkaClusterExtension;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Measures intake: requests/s from a pre-filled request topic into created batches (tickets committed).
 * Not part of the test suite (no *Test/*IT suffix); run with
 * {@code mvn -pl submitter verify -Dit.test=SubmitterIntakeBench -DfailIfNoTests=false}.
 */
@ExtendWith(KafkaClusterExtension.class)
@Timeout(600)
class SubmitterIntakeBench {

    @Test
    void intakeRate(KafkaCluster cluster) throws Exception {
        int n = Integer.getInteger("bench.requests", 20_000);
        String filler = "x".repeat(1900);
        try (SubmitterHarness h = new SubmitterHarness(cluster, 4)) {
            for (int i = 0; i < n; i++) {
                h.publish(
                        h.names.requests().get(0),
                        "k" + i,
                        request("r" + i, params("claude-opus-4-6", 100, filler), ""));
            }
            MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
            AtomicLong peak = new AtomicLong();
            long t0 = System.nanoTime();
            h.start(Map.of(SubmitterConfig.LINGER_MS, "1000", SubmitterConfig.MAX_BATCH_REQUESTS, "10000"));
            await().atMost(Duration.ofMinutes(8))
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> {
                        peak.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max);
                        return CommittedReader.readAll(cluster.bootstrapServers(), h.names.batches()).stream()
                                        .mapToInt(r -> TicketCodec.read(r.value())
                                                .items()
                                                .size())
                                        .sum()
                                >= n;
                    });
            double seconds = (System.nanoTime() - t0) / 1e9;
            System.out.printf(
                    "bench intake: requests=%d seconds=%.1f rate=%.0f req/s peak_heap_mb=%d (same JVM as broker and emulator)%n",
                    n, seconds, n / seconds, peak.get() >> 20);
            assertThat(h.client.listAll()).isNotEmpty();
        }
    }
}
