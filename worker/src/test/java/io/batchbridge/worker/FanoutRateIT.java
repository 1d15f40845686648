package io.batchbridge.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.batchbridge.emulator.Emulator;
import io.batchbridge.kafka.embedded.KafkaCluster;
import io.batchbridge.kafka.embedded.KafkaClusterExtension;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** Measures the fan-out of one larger batch: results/s, MB/s and heap in use while it runs. */
@ExtendWith(KafkaClusterExtension.class)
class FanoutRateIT {
    private static final int REQUESTS = 5_000;

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void fansOutFiveThousandResultsWithBoundedHeap(KafkaCluster cluster) throws Exception {
        try (Emulator emu = Emulator.builder().timeScale(3600).seed(7).build().start();
                Pipeline p = new Pipeline(cluster, emu, 1)) {
            List<Pipeline.Published> reqs = new ArrayList<>();
            for (int i = 0; i < REQUESTS; i++) {
                reqs.add(p.publish("m-" + i, 4000, "#emulate output_tokens=1500 outcome=succeeded"));
            }
            p.submit(reqs, 3, List.of());
            AtomicLong peakHeap = new AtomicLong();
            Thread sampler = new Thread(() -> {
                var mem = ManagementFactory.getMemoryMXBean();
                while (!Thread.currentThread().isInterrupted()) {
                    peakHeap.accumulateAndGet(mem.getHeapMemoryUsage().getUsed(), Math::max);
                    try {
                        TimeUnit.MILLISECONDS.sleep(20);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            sampler.setDaemon(true);
            sampler.start();
            p.worker(Map.of());
            await().atMost(Duration.ofSeconds(100))
                    .until(() -> p.counter("bridge.worker.results", "result", "succeeded") >= REQUESTS
                            && p.registry.find("bridge.worker.fanout.latency").timer() != null
                            && p.registry
                                            .find("bridge.worker.fanout.latency")
                                            .timer()
                                            .count()
                                    == 1);
            sampler.interrupt();
            double seconds =
                    p.registry.find("bridge.worker.fanout.latency").timer().totalTime(TimeUnit.MILLISECONDS) / 1000.0;
            double bytes =
                    p.registry.find("bridge.worker.fanout.bytes").counter().count();
            System.out.printf(
                    "fan-out of %d results: %.2f s, %.0f results/s, %.1f MB/s (%.1f MB), peak heap in test JVM %d MB%n",
                    REQUESTS,
                    seconds,
                    REQUESTS / seconds,
                    bytes / 1e6 / seconds,
                    bytes / 1e6,
                    peakHeap.get() / (1024 * 1024));
            assertThat(p.readAll(p.topics.results())).hasSize(REQUESTS);
        }
    }
}
