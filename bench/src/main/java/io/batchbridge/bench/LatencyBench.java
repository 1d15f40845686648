package io.batchbridge.bench;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.batchbridge.client.BatchesClient;
import io.batchbridge.common.kafka.KafkaClientDefaults;
import io.batchbridge.common.lifecycle.Threads;
import io.batchbridge.common.topics.TopicNames;
import io.batchbridge.emulator.Emulator;
import io.batchbridge.submitter.SubmitterApp;
import io.batchbridge.submitter.SubmitterConfig;
import io.batchbridge.worker.WorkerApp;
import io.batchbridge.worker.WorkerConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * End-to-end latency on an instant emulator with a short linger: from a request produced to its result
 * visible to a read_committed consumer, through submitter, API, worker.
 */
final class LatencyBench {
    record Result(int requests, double p50Ms, double p99Ms, double maxMs) {}

    static final Duration LINGER = Duration.ofMillis(50);

    private final BenchEnv env;

    LatencyBench(BenchEnv env) {
        this.env = env;
    }

    Result run(int n, Duration gap) throws Exception {
        TopicNames t = env.topics("latency", 1);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        Map<String, Long> sent = new ConcurrentHashMap<>();
        Map<String, Long> seen = new ConcurrentHashMap<>();
        try (Emulator emu = Emulator.builder()
                        .timeScale(100_000)
                        .maxQueueTime(Duration.ZERO)
                        .seed(19)
                        .build()
                        .start();
                BatchesClient client = BenchEnv.client(emu.baseUrl(), registry, 8)) {
            Map<String, String> c = BenchEnv.workerConfig(
                    env.bootstrap(),
                    t,
                    Map.of(
                            WorkerConfig.POLL_INITIAL_MS, "50",
                            WorkerConfig.POLL_MAX_MS, "200",
                            WorkerConfig.MAX_CALLS_PER_SECOND, "500",
                            WorkerConfig.POLL_TIMEOUT_MS, "50"));
            Map<String, String> sc = BenchEnv.submitterConfig(
                    env.bootstrap(),
                    t,
                    Map.of(
                            SubmitterConfig.LINGER_MS,
                            String.valueOf(LINGER.toMillis()),
                            SubmitterConfig.POLL_TIMEOUT_MS,
                            "20"));
            SubmitterApp submitter = BenchEnv.submitter(sc, client, registry);
            WorkerApp worker = BenchEnv.worker(c, client, registry);
            Thread reader = Threads.daemon("bench-latency-reader", () -> read(t.results(), seen, n));
            reader.start();
            try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(KafkaClientDefaults.producer(env.bootstrap()))) {
                p.partitionsFor(t.requests().get(0));
                for (int i = 0; i < n; i++) {
                    String id = "lat-" + i;
                    byte[] v = ("{\"custom_id\":\"" + id + "\",\"params\":"
                                    + BenchEnv.params(100, "#emulate output_tokens=50 outcome=succeeded") + "}")
                            .getBytes(UTF_8);
                    sent.put(id, System.nanoTime());
                    p.send(new ProducerRecord<>(t.requests().get(0), id.getBytes(UTF_8), v));
                    p.flush();
                    Thread.sleep(gap.toMillis());
                }
            }
            reader.join(Duration.ofMinutes(2).toMillis());
            worker.close(Duration.ofSeconds(10));
            submitter.close(Duration.ofSeconds(10));
        }
        if (seen.size() < n) {
            throw new IllegalStateException("latency: " + seen.size() + " of " + n + " results seen");
        }
        double[] ms = sent.entrySet().stream()
                .mapToDouble(e -> (seen.get(e.getKey()) - e.getValue()) / 1e6)
                .sorted()
                .toArray();
        return new Result(n, percentile(ms, 50), percentile(ms, 99), ms[ms.length - 1]);
    }

    private void read(String topic, Map<String, Long> seen, int n) {
        env.readFromStart(
                topic,
                Map.of("fetch.max.wait.ms", 10),
                Duration.ofMillis(20),
                Duration.ofMinutes(5),
                () -> seen.size() >= n,
                r -> seen.putIfAbsent(new String(r.key(), UTF_8), System.nanoTime()));
    }

    static double percentile(double[] sorted, double pct) {
        int i = (int) Math.ceil(pct / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }
}
