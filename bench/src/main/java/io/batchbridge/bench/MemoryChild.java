package io.batchbridge.bench;

import io.batchbridge.client.BatchesClient;
import io.batchbridge.common.lifecycle.Threads;
import io.batchbridge.common.topics.TopicNames;
import io.batchbridge.worker.WorkerApp;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The child JVM of {@link MemoryBench}: one worker fanning out one ended batch, with heap sampled every 10 ms and
 * read at every collection (its occupancy just before it ran).
 * Prints one line: {@code memory: peak_heap=… live_after_gc=… rss_hwm_kb=… seconds=…}.
 */
public final class MemoryChild {
    static final String PREFIX = "memory:";

    private MemoryChild() {}

    public static void main(String[] args) throws Exception {
        String bootstrap = args[0];
        String baseUrl = args[1];
        TopicNames t = TopicNames.withPrefix(args[2]);
        int n = Integer.parseInt(args[3]);
        AtomicLong peak = new AtomicLong();
        AtomicLong peakLive = new AtomicLong();
        Thread sampler = Threads.daemon("bench-memory-sampler", () -> {
            var mem = ManagementFactory.getMemoryMXBean();
            while (!Thread.currentThread().isInterrupted()) {
                peak.accumulateAndGet(mem.getHeapMemoryUsage().getUsed(), Math::max);
                peakLive.accumulateAndGet(liveAfterGc(), Math::max);
                try {
                    TimeUnit.MILLISECONDS.sleep(10);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        sampler.start();
        watchCollections(peak);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (BatchesClient client = BenchEnv.client(baseUrl, registry, 4)) {
            WorkerApp w =
                    BenchEnv.worker(BenchEnv.workerConfig(bootstrap, t, FanoutBench.overrides()), client, registry);
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(12);
            Timer latency;
            while ((latency = registry.find("bridge.worker.fanout.latency").timer()) == null || latency.count() < 1) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("fan-out did not finish");
                }
                Thread.sleep(20);
            }
            double results = registry.find("bridge.worker.results").counters().stream()
                    .mapToDouble(c -> c.count())
                    .sum();
            if (results < n) {
                throw new IllegalStateException("fanned out " + results + " of " + n);
            }
            double seconds = latency.totalTime(TimeUnit.NANOSECONDS) / 1e9;
            sampler.interrupt();
            System.out.printf(
                    Locale.ROOT,
                    "%s peak_heap=%d live_after_gc=%d rss_hwm_kb=%d seconds=%.2f%n",
                    PREFIX,
                    peak.get(),
                    Math.max(peakLive.get(), liveAfterGc()),
                    rssHighWaterKb(),
                    seconds);
            System.out.flush();
            w.close(Duration.ofSeconds(20));
        }
        System.exit(0);
    }

    /**
     * Adds each collection's heap in use just before it ran to {@code peak}: the exact high points, which the
     * 10 ms sampling alone can miss (then a short run reports a lower peak than a long one by chance).
     */
    private static void watchCollections(AtomicLong peak) {
        for (java.lang.management.GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (gc instanceof javax.management.NotificationEmitter emitter) {
                emitter.addNotificationListener(
                        (notification, handback) -> {
                            if (!com.sun.management.GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION
                                    .equals(notification.getType())) {
                                return;
                            }
                            var info = com.sun.management.GarbageCollectionNotificationInfo.from(
                                    (javax.management.openmbean.CompositeData) notification.getUserData());
                            long before = info.getGcInfo().getMemoryUsageBeforeGc().entrySet().stream()
                                    .filter(e -> heapPool(e.getKey()))
                                    .mapToLong(e -> e.getValue().getUsed())
                                    .sum();
                            peak.accumulateAndGet(before, Math::max);
                        },
                        null,
                        null);
            }
        }
    }

    private static boolean heapPool(String name) {
        return ManagementFactory.getMemoryPoolMXBeans().stream()
                .anyMatch(p -> p.getName().equals(name) && p.getType() == MemoryType.HEAP);
    }

    /** Heap in use right after the last collection of each heap pool (about the live set, not garbage). */
    private static long liveAfterGc() {
        long sum = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            MemoryUsage u = pool.getType() == MemoryType.HEAP ? pool.getCollectionUsage() : null;
            if (u != null) {
                sum += u.getUsed();
            }
        }
        return sum;
    }

    private static long rssHighWaterKb() {
        try {
            return Files.readAllLines(Path.of("/proc/self/status")).stream()
                    .filter(l -> l.startsWith("VmHWM:"))
                    .map(l -> l.replaceAll("[^0-9]", ""))
                    .mapToLong(Long::parseLong)
                    .findFirst()
                    .orElse(-1);
        } catch (IOException e) {
            return -1;
        }
    }
}
