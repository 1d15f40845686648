package io.batchbridge.bench;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/** Runs the selected benchmarks on one embedded broker and collects the table and the summary line. */
final class Bench {
    static final Set<String> NAMES =
            Set.of("fanout", "intake", "memory", "tracking", "latency", "open", "scaling", "cost");

    private final Sizes sizes;
    private final Set<String> only;
    private final Table table = new Table();
    private final Map<String, String> line = new LinkedHashMap<>();
    /** Tables printed between the main table and the summary line (CPU by thread group, #22). */
    private final StringBuilder details = new StringBuilder();

    Bench(Sizes sizes, Set<String> only) {
        this.sizes = sizes;
        this.only = only;
        for (String k : new String[] {
            "fanout_ratio",
            "fanout_peer_ratio",
            "intake_ratio",
            "heap_ratio_2g_200m",
            "tracking_calls_per_min",
            "latency_p99_ms",
            "open_heap_mb_100k",
            "open_heap_mb_1m",
            "scaling_2w_ratio",
            "scaling_3w_ratio",
            "fanout_overhead_4k",
            "fanout_overhead_1m",
            "intake_overhead"
        }) {
            line.put(k, "nan");
        }
        CostBench.KEYS.forEach(k -> line.put(k, "nan"));
    }

    static void log(String format, Object... args) {
        System.err.println("bench: " + String.format(Locale.ROOT, format, args));
    }

    private boolean selected(String name) {
        return only.isEmpty() || only.contains(name);
    }

    /** Runs everything selected; returns the table followed by the summary line. */
    String run() throws Exception {
        try (BenchEnv env = new BenchEnv()) {
            if (selected("fanout")) {
                fanout(env);
            }
            if (selected("intake")) {
                intake(env);
            }
            if (selected("memory")) {
                memory(env);
            }
            if (selected("tracking")) {
                tracking(env);
            }
            if (selected("latency")) {
                latency(env);
            }
            if (selected("open")) {
                open(env);
            }
            if (selected("scaling")) {
                scaling(env);
            }
            if (selected("cost")) {
                CostBench.report(run("cost", () -> new CostBench(env).run(sizes.cost())), table, line);
            }
        }
        StringBuilder sb = new StringBuilder("bench:");
        line.forEach((k, v) -> sb.append(' ').append(k).append('=').append(v));
        return table.render() + "\n" + details + sb + "\n";
    }

    /** Best of {@link Sizes#fanoutRuns()} runs for each side: noise on a shared machine only ever slows a run. */
    private FanoutBench.Shape best(FanoutBench f, String name, int results, int tokens) throws Exception {
        FanoutBench.Shape best = null;
        for (int i = 0; i < sizes.fanoutRuns(); i++) {
            FanoutBench.Shape s = f.run(name, results, tokens);
            best = best == null ? s : best.fasterOf(s);
        }
        return best;
    }

    private void fanout(BenchEnv env) throws Exception {
        FanoutBench f = new FanoutBench(env);
        double worst = Double.MAX_VALUE;
        double worstPeer = Double.MAX_VALUE;
        // One unreported pass first: whichever side runs first in a fresh JVM otherwise pays the JIT for the
        // whole stack (producer, broker, zstd, HTTP), and the worker runs first.
        run("fan-out warm-up", () -> f.run("warmup", Math.max(200, sizes.smallResults() / 4), sizes.smallTokens()));
        FanoutBench.Shape small =
                run("fan-out small", () -> best(f, "small", sizes.smallResults(), sizes.smallTokens()));
        FanoutBench.Shape large = run("fan-out large", () -> best(f, "large", sizes.bigResults(), sizes.bigTokens()));
        for (FanoutBench.Shape s : new FanoutBench.Shape[] {small, large}) {
            details.append(s.cpuTable("CPU per result by thread group, fan-out " + Table.num(s.results(), 0)
                            + " results (worker run vs raw producer + download-only runs):"))
                    .append('\n');
        }
        line.put("fanout_overhead_4k", Table.plain(small.overhead(), 2));
        line.put("fanout_overhead_1m", Table.plain(large.overhead(), 2));
        for (FanoutBench.Shape s : new FanoutBench.Shape[] {small, large}) {
            String name = "fan-out " + Table.num(s.results(), 0) + " × "
                    + (s.payloadBytes() / s.results() >= 1_000_000
                            ? Table.num(s.payloadBytes() / s.results() / 1e6, 1) + " MB"
                            : Table.num(s.payloadBytes() / s.results() / 1e3, 1) + " KB");
            table.row(
                    name,
                    "results/s worker vs raw producer",
                    Table.num(s.worker().perSecond(), 0),
                    Table.num(s.baseline().perSecond(), 0),
                    Table.num(s.ratio(), 2),
                    "≥ 0.8",
                    Table.met(s.ratio() >= 0.8));
            table.row(
                    name,
                    "MB/s worker vs raw producer",
                    Table.num(s.worker().mbPerSecond(), 1),
                    Table.num(s.baseline().mbPerSecond(), 1),
                    Table.num(s.worker().mbPerSecond() / s.baseline().mbPerSecond(), 2),
                    "",
                    "");
            table.row(
                    name,
                    "results/s worker vs SDK + producer (peer)",
                    Table.num(s.worker().perSecond(), 0),
                    Table.num(s.peer().perSecond(), 0) + " ("
                            + Table.num(s.peer().mbPerSecond(), 1) + " MB/s)",
                    Table.num(s.peerRatio(), 2),
                    "≥ 1.0",
                    Table.met(s.peerRatio() >= 1.0));
            table.row(
                    name,
                    "CPU µs per result, bench + broker JVMs (cores busy): worker vs raw producer; peer",
                    Table.num(s.worker().cpuMicrosPerRecord(), 0) + " ("
                            + Table.num(s.worker().cores(), 2) + ")",
                    Table.num(s.baseline().cpuMicrosPerRecord(), 0) + " ("
                            + Table.num(s.baseline().cores(), 2)
                            + "); " + Table.num(s.peer().cpuMicrosPerRecord(), 0) + " ("
                            + Table.num(s.peer().cores(), 2) + ")",
                    Table.num(s.baseline().cpuMicrosPerRecord() / s.worker().cpuMicrosPerRecord(), 2),
                    "",
                    "");
            table.row(
                    name,
                    "of which getting the results: emulator serving + client reading and parsing, no Kafka "
                            + "(results/s; CPU µs per result)",
                    Table.num(s.download().perSecond(), 0) + "; "
                            + Table.num(s.download().cpuMicrosPerRecord(), 0),
                    "",
                    "",
                    "",
                    "");
            table.row(
                    name,
                    "overhead: worker CPU µs per result vs the floor (raw producer + getting the results)",
                    Table.num(s.worker().cpuMicrosPerRecord(), 0),
                    Table.num(s.baseline().cpuMicrosPerRecord() + s.download().cpuMicrosPerRecord(), 0),
                    Table.num(s.overhead(), 2),
                    "≤ 1.25",
                    Table.met(s.overhead() <= 1.25));
            worst = Math.min(worst, s.ratio());
            worstPeer = Math.min(worstPeer, s.peerRatio());
        }
        line.put("fanout_ratio", Table.plain(worst, 2));
        line.put("fanout_peer_ratio", Table.plain(worstPeer, 2));
    }

    private void intake(BenchEnv env) throws Exception {
        IntakeBench.Result r =
                run("intake", () -> new IntakeBench(env).run(sizes.intakeRequests(), sizes.fanoutRuns()));
        String shape =
                "intake " + Table.num(r.requests(), 0) + " × " + Table.num(r.bytes() / r.requests() / 1e3, 1) + " KB";
        details.append(CpuByGroup.table(
                        "CPU per request by thread group, " + shape + " (submitter run vs consumer + one POST):",
                        "submitter",
                        r.submitterSplit(),
                        "floor",
                        r.baselineSplit(),
                        r.requests()))
                .append('\n');
        table.row(
                shape,
                "requests/s submitter (" + r.batches() + " batches; from start incl. group join: "
                        + Table.num(r.requests() / r.fromStartSeconds(), 0) + ") vs consumer + one POST",
                Table.num(r.submitterRate(), 0),
                Table.num(r.baselineRate(), 0),
                Table.num(r.ratio(), 2),
                "≥ 0.8",
                Table.met(r.ratio() >= 0.8));
        table.row(
                shape,
                "CPU µs per request, bench + broker JVMs (cores busy): submitter vs baseline",
                Table.num(r.submitterCpuSeconds() * 1e6 / r.requests(), 1) + " ("
                        + Table.num(r.submitterCpuSeconds() / r.submitterSeconds(), 2) + ")",
                Table.num(r.baselineCpuSeconds() * 1e6 / r.requests(), 1) + " ("
                        + Table.num(r.baselineCpuSeconds() / r.baselineSeconds(), 2) + ")",
                Table.num(r.baselineCpuSeconds() / r.submitterCpuSeconds(), 2),
                "",
                "");
        table.row(
                shape,
                "overhead: submitter CPU per request ÷ the baseline's (consumer + one POST)",
                Table.num(r.submitterCpuSeconds() * 1e6 / r.requests(), 1),
                Table.num(r.baselineCpuSeconds() * 1e6 / r.requests(), 1),
                Table.num(r.overhead(), 2),
                "≤ 1.15",
                Table.met(r.overhead() <= 1.15));
        line.put("intake_ratio", Table.plain(r.ratio(), 2));
        line.put("intake_overhead", Table.plain(r.overhead(), 2));
    }

    private void memory(BenchEnv env) throws Exception {
        MemoryBench m = new MemoryBench(env);
        MemoryBench.Run small = run("memory small", () -> m.run(sizes.memorySmallMb()));
        MemoryBench.Run big = run("memory big", () -> m.run(sizes.memoryBigMb()));
        double ratio = big.peakHeapBytes() / (double) small.peakHeapBytes();
        for (MemoryBench.Run r : new MemoryBench.Run[] {small, big}) {
            table.row(
                    "memory " + r.fileMb() + " MB file (-Xmx" + MemoryBench.XMX + ")",
                    "peak heap / peak live heap after GC / RSS high water (MB), " + r.results() + " results in "
                            + Table.num(r.seconds(), 1) + " s",
                    Table.num(r.peakHeapBytes() / 1048576.0, 0) + " / "
                            + Table.num(r.liveAfterGcBytes() / 1048576.0, 0) + " / "
                            + Table.num(r.rssHwmKb() / 1024.0, 0),
                    "",
                    "",
                    "",
                    "");
        }
        table.row(
                "memory",
                "peak heap " + big.fileMb() + " MB / " + small.fileMb() + " MB",
                "",
                "",
                Table.num(ratio, 2),
                "≤ 1.2",
                Table.met(ratio <= 1.2));
        line.put("heap_ratio_2g_200m", Table.plain(ratio, 2));
    }

    private void tracking(BenchEnv env) throws Exception {
        TrackingBench.Result r = run(
                "tracking",
                () -> new TrackingBench(env)
                        .run(sizes.trackingBatches(), sizes.trackingInterval(), sizes.trackingWindow()));
        String name = "tracking " + Table.num(r.batches(), 0) + " open batches, poll every "
                + r.interval().toSeconds() + " s";
        table.row(name, "retrieve calls per minute", Table.num(r.callsPerMinute(), 0), "", "", "", "");
        table.row(
                name,
                "calls per open batch per poll interval (window edges: ±2 %)",
                Table.num(r.perBatchPerInterval(), 2),
                "",
                "",
                "≤ 1",
                Table.met(r.perBatchPerInterval() <= 1.02));
        table.row(
                name,
                "CPU (cores, bench + broker JVMs) / heap growth (MB)",
                Table.num(r.cpuCores(), 2) + " / " + Table.num(r.heapDeltaBytes() / 1048576.0, 1),
                "",
                "",
                "",
                "");
        line.put("tracking_calls_per_min", Table.plain(r.callsPerMinute(), 0));
    }

    private void latency(BenchEnv env) throws Exception {
        LatencyBench.Result r =
                run("latency", () -> new LatencyBench(env).run(sizes.latencyRequests(), sizes.latencyGap()));
        table.row(
                "latency " + r.requests() + " requests, linger " + LatencyBench.LINGER.toMillis() + " ms",
                "produced → visible read_committed p50 / p99 / max (ms)",
                Table.num(r.p50Ms(), 0) + " / " + Table.num(r.p99Ms(), 0) + " / " + Table.num(r.maxMs(), 0),
                "",
                "",
                "",
                "");
        line.put("latency_p99_ms", Table.plain(r.p99Ms(), 0));
    }

    private void open(BenchEnv env) throws Exception {
        OpenBench.Result r = run("open", () -> new OpenBench(env).run(sizes.open()));
        OpenBench.report(r, table, line);
    }

    private void scaling(BenchEnv env) throws Exception {
        List<ScalingBench.Result> results = run(
                "scaling 1, 2, 3 workers",
                () -> new ScalingBench(env)
                        .run(
                                new int[] {1, 2, 3},
                                sizes.scalingBatches(),
                                sizes.scalingResults(),
                                sizes.smallTokens(),
                                sizes.fanoutRuns()));
        ScalingBench.Result one = results.get(0);
        for (ScalingBench.Result r : results) {
            ScalingBench.Round b = r.best();
            String name = "scaling " + r.batches() + " batches × " + Table.num(r.perBatch(), 0) + " × "
                    + Table.num(r.bytesPerRound() / (double) (r.batches() * r.perBatch()) / 1e3, 1) + " KB, "
                    + r.workers() + " worker JVM" + (r.workers() == 1 ? "" : "s");
            double ratio = b.perSecond() / one.best().perSecond();
            table.row(
                    name,
                    "results/s, tickets visible → last result read_committed (runs: "
                            + r.rates().stream().map(v -> Table.num(v, 0)).collect(Collectors.joining(", "))
                            + ") vs 1 worker",
                    Table.num(b.perSecond(), 0),
                    Table.num(one.best().perSecond(), 0),
                    Table.num(ratio, 2),
                    "",
                    "");
            table.row(
                    name,
                    "CPU µs per result: worker JVMs; broker JVM; whole machine (workers + broker + bench JVM with"
                            + " emulator and reader) (cores busy; cores used by other processes meanwhile)",
                    cpu(b),
                    cpu(one.best()),
                    "",
                    "",
                    "");
            table.row(
                    name,
                    "per instance: partitions / batches / results in the best run; rebalances after the group"
                            + " settled (in " + Table.num(r.settleSeconds(), 1) + " s); aborted transactions",
                    join(r.partitions()) + " / " + join(b.childFanouts()) + " / " + join(b.childResults()) + "; "
                            + r.rebalanceLines() + "; " + r.abortedTxns(),
                    "",
                    "",
                    "",
                    "");
            table.row(
                    name,
                    "best run: fan-out transactions committed; produce requests (KB each, compressed)",
                    Table.num(b.committedTxns(), 0) + "; " + Table.num(b.produceRequests(), 0) + " ("
                            + Table.num(b.produceKb() / (double) Math.max(1, b.produceRequests()), 1) + ")",
                    "",
                    "",
                    "",
                    "");
            if (r.workers() > 1) {
                line.put("scaling_" + r.workers() + "w_ratio", Table.plain(ratio, 2));
            }
        }
    }

    private static String cpu(ScalingBench.Round r) {
        return Table.num(r.workerMicrosPerResult(), 0) + "; " + Table.num(r.brokerMicrosPerResult(), 0) + "; "
                + Table.num(r.totalMicrosPerResult(), 0) + " ("
                + Table.num(r.cores(), 2) + "; " + Table.num(r.otherCores(), 2) + ")";
    }

    private static String join(List<Integer> v) {
        return v.stream().map(String::valueOf).collect(Collectors.joining("/"));
    }

    private static String join(long[] v) {
        return java.util.Arrays.stream(v).mapToObj(String::valueOf).collect(Collectors.joining("/"));
    }

    @FunctionalInterface
    interface Step<T> {
        T run() throws Exception;
    }

    private static <T> T run(String name, Step<T> step) throws Exception {
        log("%s ...", name);
        long t0 = System.nanoTime();
        T t = step.run();
        log("%s done in %.1f s", name, Duration.ofNanos(System.nanoTime() - t0).toMillis() / 1000.0);
        return t;
    }
}
