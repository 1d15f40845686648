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
        return sinceNanos(before).entrySet().stream()
                .filter(e -> e.getValue() >= 1_000_000)
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .collect(Collectors.toMap(
                        Map.Entry::getKey, e -> e.getValue() / 1_000_000, (a, b) -> a, LinkedHashMap::new));
    }

    /** Nanoseconds of CPU per thread group since {@code before} (groups that used none left out). */
    Map<String, Long> sinceNanos(ThreadCpu before) {
        Map<String, Long> nanos = new HashMap<>();
        for (Map.Entry<Long, Long> e : cpuById.entrySet()) {
            ThreadInfo info = THREADS.getThreadInfo(e.getKey());
            if (info == null) {
                continue;
            }
            long delta = e.getValue() - before.cpuById.getOrDefault(e.getKey(), 0L);
            if (delta > 0) {
                nanos.merge(group(info.getThreadName()), delta, Long::sum);
            }
        }
        return nanos;
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
