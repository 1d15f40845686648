package io.batchbridge.bench;

import io.batchbridge.client.BatchesClient;
import io.batchbridge.common.topics.TopicNames;
import io.batchbridge.worker.WorkerApp;
import io.batchbridge.worker.WorkerConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/**
 * One worker instance of {@link ScalingBench} in a JVM of its own, so its CPU is its own. Arguments:
 * {@code <bootstrap> <emulator url> <topic prefix> <group id> <instance id>}. The worker runs with the consumer
 * group settings a user gets (static membership under its own instance id, no timeout tuned) and the bench's
 * fan-out overrides ({@link FanoutBench#overrides()}).
 *
 * <p>Talks to the parent over standard input and output, one line each way: {@code mark} snapshots its counters
 * and thread CPU; {@code report} answers {@value #PREFIX} {@code settled=… fanouts=… results=… txn_committed=…
 * txn_aborted=… jit_ms=… gc_ms=… threads=…} (differences since the mark); {@code stop} closes the worker as a
 * SIGTERM would and exits. End of input (the parent died) halts at once.
 */
public final class ScalingChild {
    static final String PREFIX = "scaling:";

    private ScalingChild() {}

    public static void main(String[] args) throws Exception {
        String bootstrap = args[0];
        String baseUrl = args[1];
        TopicNames t = TopicNames.withPrefix(args[2]);
        Map<String, String> overrides = new java.util.TreeMap<>(FanoutBench.overrides());
        overrides.put(WorkerConfig.GROUP_ID, args[3]);
        overrides.put(WorkerConfig.INSTANCE_ID, args[4]);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        BatchesClient client = BenchEnv.client(baseUrl, registry, 8);
        WorkerApp w = BenchEnv.worker(BenchEnv.workerConfig(bootstrap, t, overrides), client, registry);
        say("started");
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        long[] mark = counters(registry);
        ThreadCpu threads = ThreadCpu.snapshot();
        String line;
        while ((line = in.readLine()) != null) {
            switch (line.trim()) {
                case "mark" -> {
                    mark = counters(registry);
                    threads = ThreadCpu.snapshot();
                    say("marked");
                }
                case "report" -> {
                    long[] now = counters(registry);
                    say(String.format(
                            Locale.ROOT,
                            "settled=%s fanouts=%d results=%d txn_committed=%d txn_aborted=%d jit_ms=%d gc_ms=%d"
                                    + " produce_requests=%d produce_kb=%d threads=%s",
                            w.assignmentSettled(),
                            now[0] - mark[0],
                            now[1] - mark[1],
                            now[2] - mark[2],
                            now[3] - mark[3],
                            now[4] - mark[4],
                            now[5] - mark[5],
                            now[6] - mark[6],
                            (now[7] - mark[7]) / 1024,
                            ThreadCpu.top(ThreadCpu.snapshot().since(threads), 6)));
                }
                case "stop" -> {
                    w.close(Duration.ofSeconds(30));
                    client.close();
                    say("stopped");
                    System.exit(0);
                }
                default -> say("unknown command " + line);
            }
        }
        Runtime.getRuntime().halt(3); // the parent is gone
    }

    private static void say(String what) {
        System.out.println(PREFIX + " " + what);
        System.out.flush();
    }

    /** Fan-outs finished, result lines, committed and aborted transactions, JIT ms, GC ms. */
    private static long[] counters(SimpleMeterRegistry registry) {
        Timer latency = registry.find("bridge.worker.fanout.latency").timer();
        long[] jvm = IntakeBench.jvmWork();
        return new long[] {
            latency == null ? 0 : latency.count(),
            sum(registry, "bridge.worker.results", null),
            sum(registry, "bridge.worker.transactions", "committed"),
            sum(registry, "bridge.worker.transactions", "aborted"),
            jvm[2],
            jvm[0],
            fanoutProducers(registry, "kafka.producer.request.total"),
            fanoutProducers(registry, "kafka.producer.outgoing.byte.total")
        };
    }

    /**
     * A cumulative producer metric summed over the fan-out threads' producers (their client ids end in
     * {@code -fanout-<n>}): produce requests sent, and bytes sent (compressed, on the wire).
     */
    private static long fanoutProducers(SimpleMeterRegistry registry, String name) {
        return (long) registry.find(name).meters().stream()
                .filter(m -> {
                    String id = m.getId().getTag("client.id");
                    return id != null && id.contains("-fanout-");
                })
                .mapToDouble(m -> {
                    for (io.micrometer.core.instrument.Measurement x : m.measure()) {
                        return x.getValue();
                    }
                    return 0;
                })
                .sum();
    }

    private static long sum(SimpleMeterRegistry registry, String name, String outcome) {
        var search = registry.find(name);
        if (outcome != null) {
            search = search.tag("outcome", outcome);
        }
        return (long) search.counters().stream().mapToDouble(Counter::count).sum();
    }
}
