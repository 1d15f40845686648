package io.batchbridge.bench;

import io.batchbridge.client.BatchesClient;
import io.batchbridge.common.topics.TopicNames;
import io.batchbridge.worker.WorkerApp;
import io.batchbridge.worker.WorkerConfig;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.management.ObjectName;

/**
 * The child JVM of {@link OpenBench}: one worker (default settings but for {@link #OVERRIDES}) that tracks the
 * open batches whose tickets are on its batches topic. Once every batch is tracked and was retrieved at least
 * once (so each holds its batch object, as in steady state), it measures its own CPU over a fixed window, then
 * the heap in use right after a full collection ({@code System.gc()}, lowest of three), and writes a class
 * histogram ({@code GC.class_histogram}, the same as {@code jcmd <pid> GC.class_histogram}) to a file. Prints one
 * line: {@code open: heap_after_gc=… open=… polls=… track_seconds=… track_cpu_seconds=… window_seconds=…
 * window_cpu_seconds=… window_retrieves=…}.
 */
public final class OpenChild {
    static final String PREFIX = "open:";

    /**
     * What differs from the worker's defaults: the first retrieve after 2 s (default 60 s) and up to 100 calls/s
     * (default 10), so every open batch holds its batch object within seconds, not minutes. Growth, cap, jitter,
     * concurrency (4 calls in flight) and everything else stay at their defaults.
     */
    static final Map<String, String> OVERRIDES =
            Map.of(WorkerConfig.POLL_INITIAL_MS, "2000", WorkerConfig.MAX_CALLS_PER_SECOND, "100");

    private OpenChild() {}

    public static void main(String[] args) throws Exception {
        String bootstrap = args[0];
        String baseUrl = args[1];
        TopicNames t = TopicNames.withPrefix(args[2]);
        int batches = Integer.parseInt(args[3]);
        Duration window = Duration.ofMillis(Long.parseLong(args[4]));
        Path histogram = Path.of(args[5]);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (BatchesClient client = BenchEnv.client(baseUrl, registry, 4)) {
            Map<String, String> config = BenchEnv.workerConfig(bootstrap, t, Map.of());
            config.remove(WorkerConfig.POLL_INITIAL_MS); // the bench helper's fast-polling values: back to defaults
            config.remove(WorkerConfig.POLL_MAX_MS);
            config.putAll(OVERRIDES);
            config.putAll(BenchEnv.propertiesWithPrefix("bench.worker."));
            long cpuStart = cpuNanos();
            long t0 = System.nanoTime();
            WorkerApp w = BenchEnv.worker(config, client, registry);
            try {
                long deadline = t0 + TimeUnit.MINUTES.toNanos(10);
                while (open(registry) < batches || polls(registry) < batches) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("the worker tracks " + open(registry) + " of " + batches
                                + " batches and retrieved " + polls(registry) + " times");
                    }
                    Thread.sleep(20);
                }
                double trackSeconds = (System.nanoTime() - t0) / 1e9;
                double trackCpu = (cpuNanos() - cpuStart) / 1e9;
                long calls0 = polls(registry);
                long cpu0 = cpuNanos();
                long w0 = System.nanoTime();
                Thread.sleep(window.toMillis());
                double windowCpu = (cpuNanos() - cpu0) / 1e9;
                double windowSeconds = (System.nanoTime() - w0) / 1e9;
                long calls = polls(registry) - calls0;
                long heap = Long.MAX_VALUE;
                for (int i = 0; i < 3; i++) {
                    System.gc();
                    heap = Math.min(
                            heap,
                            ManagementFactory.getMemoryMXBean()
                                    .getHeapMemoryUsage()
                                    .getUsed());
                }
                Files.writeString(histogram, classHistogram(), StandardCharsets.UTF_8);
                String dump = System.getProperty("bench.open.heapdump");
                if (dump != null) {
                    // live objects only, as jcmd <pid> GC.heap_dump <file>
                    ManagementFactory.getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class)
                            .dumpHeap(dump, true);
                }
                int open = (int) open(registry);
                System.out.printf(
                        Locale.ROOT,
                        "%s heap_after_gc=%d open=%d polls=%d track_seconds=%.2f track_cpu_seconds=%.2f"
                                + " window_seconds=%.2f window_cpu_seconds=%.3f window_retrieves=%d%n",
                        PREFIX,
                        heap,
                        open,
                        polls(registry),
                        trackSeconds,
                        trackCpu,
                        windowSeconds,
                        windowCpu,
                        calls);
                System.out.flush();
            } finally {
                w.close(Duration.ofSeconds(20));
            }
        }
        System.exit(0);
    }

    /** {@code GC.class_histogram} of this JVM (a full collection first, so only reachable objects count). */
    static String classHistogram() throws Exception {
        return (String) ManagementFactory.getPlatformMBeanServer()
                .invoke(
                        new ObjectName("com.sun.management:type=DiagnosticCommand"),
                        "gcClassHistogram",
                        new Object[] {new String[0]},
                        new String[] {String[].class.getName()});
    }

    private static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    private static double open(SimpleMeterRegistry registry) {
        Gauge g = registry.find("bridge.worker.batches.open").gauge();
        return g == null ? 0 : g.value();
    }

    /** Retrieves of tracked batches so far, whatever their answer. */
    private static long polls(SimpleMeterRegistry registry) {
        return (long) registry.find("bridge.worker.polls").counters().stream()
                .mapToDouble(c -> c.count())
                .sum();
    }
}
