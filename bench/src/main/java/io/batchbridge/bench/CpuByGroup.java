package io.batchbridge.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Where one measured window's CPU went, in nanoseconds: the bench JVM's Java threads by group
 * ({@link ThreadCpu#group}; threads that ended inside the window up to their last 20 ms sample), the broker's JVM,
 * and the rest of the bench JVM (GC and JIT threads, which are not Java threads, the CPU sampler itself, and
 * the last moments of threads that ended). Issue #22 asks for the bridge's CPU per item by thread
 * group beside the floor's, so a missed overhead target is accounted for in microseconds.
 */
final class CpuByGroup {
    static final String BROKER = "broker JVM (appends, transactions)";
    static final String REST = "bench JVM outside its Java threads (GC, JIT, ended threads)";

    private final Map<String, Long> nanos;

    private CpuByGroup(Map<String, Long> nanos) {
        this.nanos = nanos;
    }

    static final CpuByGroup NONE = new CpuByGroup(Map.of());

    /** Figures given directly (tests). */
    static CpuByGroup of(Map<String, Long> nanos) {
        return new CpuByGroup(new TreeMap<>(nanos));
    }

    /** Starts a window now. */
    static Window start() {
        return new Window();
    }

    /**
     * A window's starting point. A sampler thread reads every thread's CPU every {@value #SAMPLE_MS} ms meanwhile,
     * so a thread that ends inside the window (a results stream's reader, say) still counts under its own name, up
     * to its last sample.
     */
    static final class Window {
        private static final int SAMPLE_MS = 20;
        private static final java.lang.management.ThreadMXBean THREADS =
                java.lang.management.ManagementFactory.getThreadMXBean();

        private final Map<Long, Long> startCpu = new java.util.HashMap<>();
        /** Thread id → {group, latest CPU nanos}; written by the sampler, read at stop. */
        private final Map<Long, Object[]> latest = new java.util.concurrent.ConcurrentHashMap<>();

        private final long process;
        private final long broker;
        private final Thread sampler;
        private final ThreadCpu threads;

        private Window() {
            for (long id : THREADS.getAllThreadIds()) {
                long nanos = THREADS.getThreadCpuTime(id);
                if (nanos >= 0) {
                    startCpu.put(id, nanos);
                }
            }
            threads = ThreadCpu.snapshot();
            process = processNanos();
            broker = BenchEnv.brokerCpuNanos();
            sampler = new Thread(this::sampleUntilStopped, "bench-cpu-sampler");
            sampler.setDaemon(true);
            sampler.start();
        }

        /** True once the sampler has seen {@code threadId} use at least {@code nanos} of CPU in this window (tests). */
        boolean seen(long threadId, long nanos) {
            Object[] groupAndCpu = latest.get(threadId);
            return groupAndCpu != null && (Long) groupAndCpu[1] - startCpu.getOrDefault(threadId, 0L) >= nanos;
        }

        /** The thread snapshot at the start (for the bench's log lines). */
        ThreadCpu threads() {
            return threads;
        }

        CpuByGroup stop() {
            sampler.interrupt();
            try {
                sampler.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            sample();
            Map<String, Long> by = new TreeMap<>();
            latest.forEach((id, groupAndCpu) -> {
                long delta = (Long) groupAndCpu[1] - startCpu.getOrDefault(id, 0L);
                if (delta > 0) {
                    by.merge((String) groupAndCpu[0], delta, Long::sum);
                }
            });
            long java = by.values().stream().mapToLong(Long::longValue).sum();
            by.put(REST, Math.max(0, processNanos() - process - java));
            long brokerNanos = BenchEnv.brokerCpuNanos() - broker;
            if (brokerNanos > 0) {
                by.put(BROKER, brokerNanos);
            }
            return new CpuByGroup(by);
        }

        private void sampleUntilStopped() {
            while (!Thread.currentThread().isInterrupted()) {
                sample();
                try {
                    Thread.sleep(SAMPLE_MS);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        private void sample() {
            for (java.lang.management.ThreadInfo info : THREADS.getThreadInfo(THREADS.getAllThreadIds())) {
                if (info == null || info.getThreadName().equals("bench-cpu-sampler")) {
                    continue;
                }
                long nanos = THREADS.getThreadCpuTime(info.getThreadId());
                if (nanos >= 0) {
                    latest.put(info.getThreadId(), new Object[] {ThreadCpu.group(info.getThreadName()), nanos});
                }
            }
        }
    }

    Map<String, Long> nanos() {
        return nanos;
    }

    long totalNanos() {
        return nanos.values().stream().mapToLong(Long::longValue).sum();
    }

    /** Both windows' CPU, group by group (the floor is two runs: writing the records and getting them). */
    CpuByGroup plus(CpuByGroup other) {
        Map<String, Long> sum = new TreeMap<>(nanos);
        other.nanos.forEach((k, v) -> sum.merge(k, v, Long::sum));
        return new CpuByGroup(sum);
    }

    /**
     * A Markdown table: CPU µs per item of each group, the bridge's beside the floor's, largest difference first,
     * then the totals.
     */
    static String table(
            String title, String bridgeName, CpuByGroup bridge, String floorName, CpuByGroup floor, long items) {
        Map<String, long[]> rows = new LinkedHashMap<>();
        bridge.nanos.forEach((k, v) -> rows.computeIfAbsent(k, x -> new long[2])[0] += v);
        floor.nanos.forEach((k, v) -> rows.computeIfAbsent(k, x -> new long[2])[1] += v);
        List<Map.Entry<String, long[]>> sorted = new ArrayList<>(rows.entrySet());
        sorted.sort((a, b) ->
                Long.compare(Math.abs(b.getValue()[0] - b.getValue()[1]), Math.abs(a.getValue()[0] - a.getValue()[1])));
        StringBuilder sb = new StringBuilder();
        sb.append(title).append('\n');
        sb.append("| thread group | ")
                .append(bridgeName)
                .append(" µs/item | ")
                .append(floorName)
                .append(" µs/item | difference |\n|---|---:|---:|---:|\n");
        for (Map.Entry<String, long[]> e : sorted) {
            long[] v = e.getValue();
            if (v[0] + v[1] < 1_000_000) {
                continue; // under a millisecond in both windows together: noise
            }
            row(sb, e.getKey(), v[0], v[1], items);
        }
        row(sb, "**total**", bridge.totalNanos(), floor.totalNanos(), items);
        return sb.toString();
    }

    private static void row(StringBuilder sb, String name, long bridgeNanos, long floorNanos, long items) {
        double b = bridgeNanos / 1e3 / items;
        double f = floorNanos / 1e3 / items;
        sb.append(String.format(Locale.ROOT, "| %s | %.1f | %.1f | %+.1f |%n", name, b, f, b - f));
    }

    private static long processNanos() {
        return ((com.sun.management.OperatingSystemMXBean)
                        java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }
}
