package io.batchbridge.bench;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.batchbridge.client.BatchesClient;
import io.batchbridge.client.CreateBody;
import io.batchbridge.client.MessageBatch;
import io.batchbridge.common.records.TicketItem;
import io.batchbridge.common.topics.TopicNames;
import io.batchbridge.emulator.Emulator;
import io.batchbridge.worker.WorkerApp;
import io.batchbridge.worker.WorkerConfig;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * Tracking cost: one worker with many open batches on a real-time emulator where no batch ends during the
 * window. The poll interval is fixed (multiplier 1) and the call cap set well above demand, so the figure
 * shows what the scheduler itself asks for: at most one retrieve per open batch per interval.
 */
final class TrackingBench {
    record Result(
            int batches,
            Duration interval,
            double windowSeconds,
            long retrieves,
            double cpuCores,
            long heapDeltaBytes) {
        double callsPerMinute() {
            return retrieves * 60.0 / windowSeconds;
        }

        /** Retrieves per open batch per poll interval (target ≤ 1). */
        double perBatchPerInterval() {
            return retrieves / (double) batches / (windowSeconds / (interval.toMillis() / 1000.0));
        }
    }

    private final BenchEnv env;

    TrackingBench(BenchEnv env) {
        this.env = env;
    }

    Result run(int batches, Duration interval, Duration window) throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (Emulator emu = Emulator.builder().timeScale(1).seed(17).build().start();
                BatchesClient client = BenchEnv.client(emu.baseUrl(), registry, 32)) {
            TopicNames t = env.topics("tracking", 1);
            List<TicketItem> one = BenchEnv.items(t, 1);
            byte[] params = BenchEnv.params(100, "#emulate output_tokens=10 outcome=succeeded duration=86000")
                    .getBytes(UTF_8);
            List<MessageBatch> created = IntStream.range(0, batches)
                    .parallel()
                    .mapToObj(i -> {
                        CreateBody.Builder body = CreateBody.inMemory();
                        body.add(one.get(0).batchCustomId(), params);
                        return client.create(body.build(), List.of());
                    })
                    .toList();
            BenchEnv.writeTickets(env.bootstrap(), t, created, Collections.nCopies(batches, one), List.of());
            long heap0 = usedAfterGc();
            WorkerApp w = BenchEnv.worker(
                    BenchEnv.workerConfig(
                            env.bootstrap(),
                            t,
                            Map.of(
                                    WorkerConfig.POLL_INITIAL_MS, String.valueOf(interval.toMillis()),
                                    WorkerConfig.POLL_MULTIPLIER, "1.0",
                                    WorkerConfig.POLL_MAX_MS, String.valueOf(interval.toMillis()),
                                    WorkerConfig.MAX_CALLS_PER_SECOND, "5000",
                                    WorkerConfig.MAX_CONCURRENT_CALLS, "16")),
                    client,
                    registry);
            try {
                long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
                while (open(registry) < batches) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("worker tracks " + open(registry) + " of " + batches);
                    }
                    Thread.sleep(50);
                }
                Thread.sleep(interval.toMillis()); // first retrieves spread over one interval: steady state after
                long calls0 = retrieves(registry);
                long cpu0 = BenchEnv.cpuNanos();
                long t0 = System.nanoTime();
                Thread.sleep(window.toMillis());
                long calls = retrieves(registry) - calls0;
                double seconds = (System.nanoTime() - t0) / 1e9;
                double cores = (BenchEnv.cpuNanos() - cpu0) / 1e9 / seconds;
                long heap = usedAfterGc() - heap0;
                return new Result(batches, interval, seconds, calls, cores, heap);
            } finally {
                w.close(Duration.ofSeconds(20));
            }
        }
    }

    private static double open(SimpleMeterRegistry registry) {
        Gauge g = registry.find("bridge.worker.batches.open").gauge();
        return g == null ? 0 : g.value();
    }

    private static long retrieves(SimpleMeterRegistry registry) {
        return registry.find("bridge.api.calls").tag("op", "retrieve").timers().stream()
                .mapToLong(tm -> tm.count())
                .sum();
    }

    static long usedAfterGc() {
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
