package io.batchbridge.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.batchbridge.emulator.Emulator;
import io.batchbridge.kafka.embedded.KafkaCluster;
import io.batchbridge.kafka.embedded.KafkaClusterExtension;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Fans out one larger batch (5,000 results in a ticket of three parts) and checks that each request's result is on
 * the results topic exactly once, from one fan-out. Its speed is printed, never asserted: that depends on how busy
 * the machine is, and {@code ./bridge bench} measures it.
 */
@ExtendWith(KafkaClusterExtension.class)
class FanoutLargeBatchIT {
    private static final int REQUESTS = 5_000;

    @Test
    @Timeout(value = 300, unit = TimeUnit.SECONDS)
    void fansOutFiveThousandResultsEachExactlyOnce(KafkaCluster cluster) throws Exception {
        try (Emulator emu = Emulator.builder().timeScale(3600).seed(7).build().start();
                Pipeline p = new Pipeline(cluster, emu, 1)) {
            List<Pipeline.Published> reqs = new ArrayList<>();
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < REQUESTS; i++) {
                reqs.add(p.publish("m-" + i, 4000, "#emulate output_tokens=1500 outcome=succeeded"));
                expected.add("m-" + i);
            }
            p.submit(reqs, 3, List.of());
            p.worker(Map.of());
            await().atMost(Duration.ofSeconds(240))
                    .until(() -> p.counter("bridge.worker.results", "result", "succeeded") >= REQUESTS
                            && p.registry.find("bridge.worker.fanout.latency").timer() != null
                            && p.registry
                                            .find("bridge.worker.fanout.latency")
                                            .timer()
                                            .count()
                                    == 1);
            double seconds =
                    p.registry.find("bridge.worker.fanout.latency").timer().totalTime(TimeUnit.MILLISECONDS) / 1000.0;
            double bytes =
                    p.registry.find("bridge.worker.fanout.bytes").counter().count();
            System.out.printf(
                    "fan-out of %d results: %.2f s, %.0f results/s, %.1f MB/s (%.1f MB)%n",
                    REQUESTS, seconds, REQUESTS / seconds, bytes / 1e6 / seconds, bytes / 1e6);

            List<String> keys = new ArrayList<>();
            for (ConsumerRecord<byte[], byte[]> r : p.readAll(p.topics.results())) {
                keys.add(new String(r.key(), StandardCharsets.UTF_8));
            }
            assertThat(keys).containsExactlyInAnyOrderElementsOf(expected);
            assertThat(p.counter("bridge.worker.results", "result", "succeeded"))
                    .isEqualTo(REQUESTS);
        }
    }
}
