package io.batchbridge.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * CPU time per thread group (thread names with their numbers stripped: {@code emulator-http-7} counts as
 * {@code emulator-http}) between two snapshots: which part of the JVM a benchmark's CPU went to. Threads that
 * ended in between are not counted; the JVM's own threads (JIT, GC) are not Java threads and show only in the
 * difference to the process CPU.
 */
final class ThreadCpu {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private final Map<Long, Long> cpuById;

    private ThreadCpu(Map<Long, Long> cpuById) {
        this.cpuById = cpuById;
    }

    static ThreadCpu snapshot() {
        Map<Long, Long> cpu = new HashMap<>();
        for (long id : THREADS.getAllThreadIds()) {
            long nanos = THREADS.getThreadCpuTime(id);
            if (nanos >= 0) {
                cpu.put(id, nanos);
            }
        }
        return new ThreadCpu(cpu);
    }

    /** Milliseconds of CPU per thread group since {@code before}, largest first. */
    Map<String, Long> since(ThreadCpu before) {
        Map<String, Long> ms = new HashMap<>();
        for (Map.Entry<Long, Long> e : cpuById.entrySet()) {
            ThreadInfo info = THREADS.getThreadInfo(e.getKey());
            if (info == null) {
                continue;
            }
            long delta = e.getValue() - before.cpuById.getOrDefault(e.getKey(), 0L);
            ms.merge(group(info.getThreadName()), delta / 1_000_000, Long::sum);
        }
        return ms.entrySet().stream()
                .filter(e -> e.getValue() > 0)
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue, (a, b) -> a, LinkedHashMap::new));
    }

    /** Kafka's client threads carry the client id after {@code " | "}; it is dropped with the numbers. */
    static String group(String threadName) {
        int client = threadName.indexOf(" | ");
        return (client < 0 ? threadName : threadName.substring(0, client)).replaceAll("\\d+", "N");
    }

    /** The first {@code n} groups as {@code name ms, name ms, …}. */
    static String top(Map<String, Long> ms, int n) {
        return ms.entrySet().stream()
                .limit(n)
                .map(e -> e.getKey() + " " + e.getValue())
                .collect(Collectors.joining(", "));
    }
}
