package io.batchbridge.bench;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.batchbridge.client.BatchesClient;
import io.batchbridge.client.CreateBody;
import io.batchbridge.client.MessageBatch;
import io.batchbridge.common.kafka.KafkaClientDefaults;
import io.batchbridge.common.records.Coordinates;
import io.batchbridge.common.records.Ticket;
import io.batchbridge.common.records.TicketCodec;
import io.batchbridge.common.records.TicketItem;
import io.batchbridge.common.topics.TopicNames;
import io.batchbridge.common.topics.TopicSpec;
import io.batchbridge.emulator.Emulator;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * What open batches cost a worker: heap after a full collection and CPU while it tracks N batches of R requests
 * each that never end (emulator at time scale 1, every request {@code duration=86000}), in a child JVM that runs
 * only the worker ({@link OpenChild}, {@code -Xmx512m}); the emulator and broker stay in this JVM and the broker's.
 * A baseline child tracks one batch of one request (so the same code paths, clients and caches are loaded); the
 * difference is what the open batches hold. Optionally every ticket item carries 1 KiB of metadata, which the
 * worker reads with the tickets and must not keep.
 */
final class OpenBench {
    static final String XMX = "512m";
    static final int METADATA_BYTES = 1024;

    /** How many open batches, requests per batch (two sizes), with a metadata variant or not, CPU window. */
    record Size(int batches, int smallRequests, int bigRequests, boolean metadata, Duration window) {}

    /** What one child printed, and its class histogram ({@code class -> {instances, bytes}}). */
    record Run(
            String name,
            int batches,
            int requestsPerBatch,
            boolean metadata,
            long heapAfterGc,
            int open,
            long polls,
            double trackSeconds,
            double trackCpuSeconds,
            double windowSeconds,
            double windowCpuSeconds,
            long windowRetrieves,
            Map<String, long[]> histogram) {
        long requests() {
            return (long) batches * requestsPerBatch;
        }

        double cores() {
            return windowCpuSeconds / windowSeconds;
        }
    }

    /** Every run of one size: the baseline, then small and big without metadata, then (optionally) with. */
    record Result(Size size, Run baseline, List<Run> runs, long emulatorHeapBytes, long emulatorRequests) {
        Optional<Run> find(int requestsPerBatch, boolean metadata) {
            return runs.stream()
                    .filter(r -> r.requestsPerBatch() == requestsPerBatch && r.metadata() == metadata)
                    .findFirst();
        }

        /** Heap over the baseline's. */
        long delta(Run r) {
            return r.heapAfterGc() - baseline.heapAfterGc();
        }

        /** The worse (larger) heap of the variants with this many requests per batch. */
        Optional<Run> worst(int requestsPerBatch) {
            return runs.stream()
                    .filter(r -> r.requestsPerBatch() == requestsPerBatch)
                    .max(Comparator.comparingLong(Run::heapAfterGc));
        }
    }

    private final BenchEnv env;

    OpenBench(BenchEnv env) {
        this.env = env;
    }

    Result run(Size size) throws Exception {
        long heap0 = TrackingBench.usedAfterGc();
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (Emulator emu = Emulator.builder().timeScale(1).seed(19).build().start();
                BatchesClient client = BenchEnv.client(emu.baseUrl(), registry, 8)) {
            // Custom ids (= request offsets) are distinct across all batches of the run, as they would be.
            List<MessageBatch> one = create(client, 1, 1, 0);
            List<MessageBatch> small = create(client, size.batches(), size.smallRequests(), 1);
            List<MessageBatch> big = create(
                    client, size.batches(), size.bigRequests(), 1 + (long) size.batches() * size.smallRequests());
            long emulatorRequests = 1 + (long) size.batches() * (size.smallRequests() + size.bigRequests());
            long emulatorHeap = TrackingBench.usedAfterGc() - heap0;
            Bench.log(
                    "  open: %,d requests in %,d batches at the emulator (bench JVM), heap +%.0f MB",
                    emulatorRequests, 1 + 2 * size.batches(), emulatorHeap / 1048576.0);
            Run baseline = child(size, "baseline", one, 1, 0, false, emu.baseUrl());
            List<Run> runs = new ArrayList<>();
            // -Dbench.open.runs=big-meta,… runs only these (to look at one case; the baseline always runs)
            Set<String> only = Set.of(System.getProperty("bench.open.runs", "").split(","));
            for (boolean metadata : size.metadata() ? new boolean[] {false, true} : new boolean[] {false}) {
                String suffix = metadata ? "-meta" : "";
                if (only.contains("") || only.contains("small" + suffix)) {
                    runs.add(child(size, "small", small, size.smallRequests(), 1, metadata, emu.baseUrl()));
                }
                if (only.contains("") || only.contains("big" + suffix)) {
                    runs.add(child(
                            size,
                            "big",
                            big,
                            size.bigRequests(),
                            1 + (long) size.batches() * size.smallRequests(),
                            metadata,
                            emu.baseUrl()));
                }
            }
            Result result = new Result(size, baseline, runs, emulatorHeap, emulatorRequests);
            for (Run r : runs) {
                logHistogramDelta(result, r);
            }
            return result;
        }
    }

    /** {@code n} batches of {@code r} never-ending requests each; custom ids from offset {@code first} on. */
    private static List<MessageBatch> create(BatchesClient client, int n, int r, long first) {
        byte[] params = BenchEnv.params(100, "#emulate output_tokens=10 outcome=succeeded duration=86000")
                .getBytes(UTF_8);
        return IntStream.range(0, n)
                .parallel()
                .mapToObj(b -> {
                    CreateBody.Builder body = CreateBody.inMemory();
                    for (int i = 0; i < r; i++) {
                        body.add(TicketItem.batchCustomId(0, 0, first + (long) b * r + i), params);
                    }
                    return client.create(body.build(), List.of());
                })
                .toList();
    }

    private Run child(
            Size size, String name, List<MessageBatch> batches, int r, long first, boolean metadata, String baseUrl)
            throws Exception {
        String label = name + (metadata ? "-meta" : "");
        String prefix =
                "bench-open-" + label + "-" + UUID.randomUUID().toString().substring(0, 6) + ".";
        TopicNames t = TopicNames.withPrefix(prefix);
        BenchEnv.provision(env.bootstrap(), t, 1);
        long ticketBytes = writeTickets(env.bootstrap(), t, batches, r, first, metadata);
        Bench.log(
                "  open %s: %,d batches × %,d requests, %.1f MB of tickets written",
                label, batches.size(), r, ticketBytes / 1e6);
        Path histogram = Files.createTempFile("bench-open-" + label, ".histogram.txt");
        try {
            Path javaBin = Paths.get(System.getProperty("java.home"), "bin", "java");
            List<String> cmd = new ArrayList<>(List.of(
                    javaBin.toString(),
                    "-Xmx" + XMX,
                    "-DBRIDGE_LOG_LEVEL=WARN",
                    "-cp",
                    System.getProperty("java.class.path"),
                    OpenChild.class.getName(),
                    env.bootstrap(),
                    baseUrl,
                    prefix,
                    String.valueOf(batches.size()),
                    String.valueOf(size.window().toMillis()),
                    histogram.toString()));
            BenchEnv.propertiesWithPrefix("bench.worker.")
                    .forEach((k, v) -> cmd.add(2, "-Dbench.worker." + k + "=" + v));
            String dump = System.getProperty("bench.open.heapdump");
            if (dump != null) {
                cmd.add(2, "-Dbench.open.heapdump=" + dump + "-" + label + "-" + r + ".hprof");
            }
            String jvmOptions = System.getProperty("bench.open.jvm", "").trim();
            if (!jvmOptions.isEmpty()) {
                cmd.addAll(2, List.of(jvmOptions.split("\\s+")));
            }
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String figures = null;
            try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), UTF_8))) {
                String line;
                while ((line = out.readLine()) != null) {
                    if (line.startsWith(OpenChild.PREFIX)) {
                        figures = line;
                    } else if (line.contains("ERROR") || line.contains("Exception")) {
                        Bench.log("  child: %s", line);
                    }
                }
            }
            if (!p.waitFor(15, TimeUnit.MINUTES) || p.exitValue() != 0 || figures == null) {
                p.destroyForcibly();
                throw new IllegalStateException(
                        "open child " + label + " failed (exit " + (p.isAlive() ? "timeout" : p.exitValue()) + ")");
            }
            Map<String, String> f = new HashMap<>();
            for (String kv : figures.substring(OpenChild.PREFIX.length()).trim().split(" ")) {
                f.put(kv.substring(0, kv.indexOf('=')), kv.substring(kv.indexOf('=') + 1));
            }
            String keep = System.getProperty("bench.open.histogram");
            if (keep != null) {
                Files.copy(
                        histogram, Path.of(keep + "-" + label + "-" + r + ".txt"), StandardCopyOption.REPLACE_EXISTING);
            }
            Run run = new Run(
                    label,
                    batches.size(),
                    r,
                    metadata,
                    Long.parseLong(f.get("heap_after_gc")),
                    Integer.parseInt(f.get("open")),
                    Long.parseLong(f.get("polls")),
                    Double.parseDouble(f.get("track_seconds")),
                    Double.parseDouble(f.get("track_cpu_seconds")),
                    Double.parseDouble(f.get("window_seconds")),
                    Double.parseDouble(f.get("window_cpu_seconds")),
                    Long.parseLong(f.get("window_retrieves")),
                    histogram(Files.readString(histogram, UTF_8)));
            if (run.open() != batches.size()) {
                throw new IllegalStateException("open child " + label + " ended with " + run.open() + " of "
                        + batches.size() + " batches open (did one end?)");
            }
            Bench.log(
                    "  open %s: heap after GC %.1f MB, tracked all in %.1f s (%.1f CPU s), window %.0f s: %.3f cores,"
                            + " %d retrieves",
                    label,
                    run.heapAfterGc() / 1048576.0,
                    run.trackSeconds(),
                    run.trackCpuSeconds(),
                    run.windowSeconds(),
                    run.cores(),
                    run.windowRetrieves());
            return run;
        } finally {
            Files.deleteIfExists(histogram);
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", env.bootstrap()))) {
                admin.deleteTopics(t.specs(1, (short) 1).stream()
                                .map(TopicSpec::name)
                                .toList())
                        .all()
                        .get(1, TimeUnit.MINUTES);
            }
        }
    }

    /**
     * Writes the tickets of these batches as the submitter would (transactionally, at most 2,000 items a part),
     * in transactions of about 32 MB; returns the bytes written. Items carry 1 KiB of metadata when asked.
     */
    static long writeTickets(
            String bootstrap, TopicNames t, List<MessageBatch> batches, int r, long first, boolean metadata) {
        long bytes = 0;
        long inTxn = 0;
        String source = t.requests().get(0);
        try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(
                KafkaClientDefaults.transactionalProducer(bootstrap, "bench-open-tickets-" + UUID.randomUUID()))) {
            p.initTransactions();
            p.beginTransaction();
            for (int b = 0; b < batches.size(); b++) {
                MessageBatch batch = batches.get(b);
                List<TicketItem> items = new ArrayList<>(r);
                for (int i = 0; i < r; i++) {
                    long offset = first + (long) b * r + i;
                    items.add(new TicketItem(
                            TicketItem.batchCustomId(0, 0, offset),
                            "user-" + offset,
                            null,
                            1,
                            metadata ? metadata(offset) : null,
                            new Coordinates(source, 0, offset)));
                }
                int per = 2000;
                int parts = Math.max(1, (r + per - 1) / per);
                for (int part = 0; part < parts; part++) {
                    Ticket ticket = new Ticket(
                            batch.id(),
                            "default",
                            List.of(),
                            batch.createdAt(),
                            batch.expiresAt(),
                            r,
                            part,
                            parts,
                            List.of(source),
                            items.subList(part * per, Math.min(r, (part + 1) * per)));
                    byte[] value = TicketCodec.write(ticket);
                    p.send(new ProducerRecord<>(t.batches(), 0, batch.id().getBytes(UTF_8), value));
                    bytes += value.length;
                    inTxn += value.length;
                }
                if (inTxn > 32_000_000L) {
                    p.commitTransaction();
                    p.beginTransaction();
                    inTxn = 0;
                }
            }
            p.commitTransaction();
        }
        return bytes;
    }

    /**
     * 1 KiB of JSON metadata, different for every request: random letters and digits by default, which zstd
     * shrinks by a quarter or so; {@code -Dbench.open.metadata=repetitive} repeats one word instead, which it
     * shrinks manyfold (see docs/benchmarks.md: the ticket consumer then holds far more records per poll).
     */
    static byte[] metadata(long offset) {
        StringBuilder sb = new StringBuilder(METADATA_BYTES)
                .append("{\"request\":")
                .append(offset)
                .append(",\"note\":\"");
        if ("repetitive".equals(System.getProperty("bench.open.metadata"))) {
            String word = Long.toString(offset * 2654435761L & 0xffffffffL, 36);
            while (sb.length() < METADATA_BYTES - 2) {
                sb.append(word).append(' ');
            }
        } else {
            SplittableRandom random = new SplittableRandom(offset);
            String alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 ";
            while (sb.length() < METADATA_BYTES - 2) {
                sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
        }
        sb.setLength(METADATA_BYTES - 2);
        return sb.append("\"}").toString().getBytes(UTF_8);
    }

    /** Parses {@code GC.class_histogram} output: class name to {instances, bytes}. */
    static Map<String, long[]> histogram(String text) {
        Map<String, long[]> out = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length >= 4 && f[0].endsWith(":")) {
                try {
                    // hidden classes (lambdas) get another number and address in every JVM: one name for all
                    String name = f[3].replaceAll("\\$\\$Lambda\\$\\d+/0x\\p{XDigit}+", "\\$\\$Lambda");
                    out.merge(name, new long[] {Long.parseLong(f[1]), Long.parseLong(f[2])}, (a, b) ->
                            new long[] {a[0] + b[0], a[1] + b[1]});
                } catch (NumberFormatException e) {
                    // a header or a line of another shape
                }
            }
        }
        return out;
    }

    /** The classes a run holds most more of than the baseline: {class, instances, bytes} by bytes, largest first. */
    static List<Object[]> histogramDelta(Run run, Run baseline, int top) {
        List<Object[]> rows = new ArrayList<>();
        run.histogram().forEach((k, v) -> {
            long[] b = baseline.histogram().getOrDefault(k, new long[2]);
            rows.add(new Object[] {k, v[0] - b[0], v[1] - b[1]});
        });
        rows.sort(Comparator.comparingLong((Object[] o) -> (Long) o[2]).reversed());
        return rows.subList(0, Math.min(top, rows.size()));
    }

    static final String BYTE_ARRAY = "[B";

    /** Live bytes of one class in a run's histogram. */
    static long classBytes(Run run, String name) {
        long[] v = run.histogram().get(name);
        return v == null ? 0 : v[1];
    }

    /** The histogram's total live bytes (what a full collection left reachable). */
    static long histogramBytes(Run run) {
        return run.histogram().values().stream().mapToLong(v -> v[1]).sum();
    }

    private static void logHistogramDelta(Result result, Run r) {
        Run base = result.baseline();
        Bench.log(
                "  open %s (%,d × %,d): class histogram over the baseline's, per open batch (live bytes %+.1f MB):",
                r.name(), r.batches(), r.requestsPerBatch(), (histogramBytes(r) - histogramBytes(base)) / 1048576.0);
        int denominator = addedBatches(r, base);
        for (Object[] row : histogramDelta(r, base, 12)) {
            Bench.log(
                    "    %-70s %+9.2f objects %+9.1f B",
                    row[0], (Long) row[1] / (double) denominator, (Long) row[2] / (double) denominator);
        }
    }

    /** Open batches over the baseline's one. */
    static int addedBatches(Run r, Run baseline) {
        return Math.max(1, r.batches() - baseline.batches());
    }

    /** Open requests over the baseline's one. */
    static long addedRequests(Run r, Run baseline) {
        return Math.max(1, r.requests() - baseline.requests());
    }

    private static String shape(Run r) {
        return "open " + Table.num(r.batches(), 0) + " × " + Table.num(r.requestsPerBatch(), 0)
                + (r.metadata() ? " + 1 KiB metadata" : "") + " (-Xmx" + XMX + ")";
    }

    private static String mb(long bytes) {
        return Table.num(bytes / 1048576.0, 1);
    }

    /** Adds the table rows and the summary keys ({@code open_heap_mb_100k}, {@code open_heap_mb_1m}). */
    static void report(Result result, Table table, Map<String, String> line) {
        Size size = result.size();
        Run base = result.baseline();
        String limit = "< 128 MB at 1,000 × 1,000";
        for (Run r : result.runs()) {
            long delta = result.delta(r);
            boolean big = r.requestsPerBatch() == size.bigRequests();
            table.row(
                    shape(r),
                    "worker heap after GC, MB (baseline: 1 batch × 1 request); over it per open batch / per open"
                            + " request, B",
                    mb(r.heapAfterGc()) + " (" + Table.num(delta / (double) addedBatches(r, base), 0) + " / "
                            + Table.num(delta / (double) addedRequests(r, base), 1) + ")",
                    mb(base.heapAfterGc()),
                    "",
                    big ? limit : "",
                    big ? Table.met(r.heapAfterGc() < 128L * 1048576) : "");
            table.row(
                    shape(r),
                    "worker JVM CPU: tracked and retrieved once after s (CPU s); then "
                            + Table.num(r.windowSeconds(), 0)
                            + " s window: cores busy (retrieves/s; CPU µs per retrieve over the baseline's)",
                    Table.num(r.trackSeconds(), 1) + " (" + Table.num(r.trackCpuSeconds(), 1) + "); "
                            + Table.num(r.cores(), 3) + " (" + Table.num(r.windowRetrieves() / r.windowSeconds(), 1)
                            + "; "
                            + Table.num(
                                    (r.windowCpuSeconds() - base.cores() * r.windowSeconds())
                                            * 1e6
                                            / Math.max(1, r.windowRetrieves()),
                                    0)
                            + ")",
                    Table.num(base.trackSeconds(), 1) + " (" + Table.num(base.trackCpuSeconds(), 1) + "); "
                            + Table.num(base.cores(), 3) + " ("
                            + Table.num(base.windowRetrieves() / base.windowSeconds(), 1) + ")",
                    "",
                    "",
                    "");
        }
        double worstRatio = 0;
        for (boolean metadata : size.metadata() ? new boolean[] {false, true} : new boolean[] {false}) {
            Optional<Run> smallRun = result.find(size.smallRequests(), metadata);
            Optional<Run> bigRun = result.find(size.bigRequests(), metadata);
            if (smallRun.isEmpty() || bigRun.isEmpty()) {
                continue;
            }
            Run small = smallRun.get();
            Run big = bigRun.get();
            double ratio = big.heapAfterGc() / (double) small.heapAfterGc();
            worstRatio = Math.max(worstRatio, ratio);
            // heap = baseline + batches × (fixed + requests per batch × marginal): two sizes give both terms
            double marginal = (big.heapAfterGc() - small.heapAfterGc()) / (double) (big.requests() - small.requests());
            double fixed = result.delta(small) / (double) addedBatches(small, base) - size.smallRequests() * marginal;
            String variant =
                    "open " + Table.num(size.batches(), 0) + " batches" + (metadata ? " + 1 KiB metadata" : "");
            table.row(
                    variant,
                    "heap " + Table.num(big.requests(), 0) + " / " + Table.num(small.requests(), 0) + " open requests",
                    mb(big.heapAfterGc()),
                    mb(small.heapAfterGc()),
                    Table.num(ratio, 2),
                    "≤ 1.5",
                    Table.met(ratio <= 1.5));
            table.row(
                    variant,
                    "from the two sizes: B per open batch whatever its requests / B per further open request",
                    Table.num(fixed, 0) + " / " + Table.num(marginal, 1),
                    "",
                    "",
                    "",
                    "");
            long bytesDelta = histogramBytes(big) - histogramBytes(base);
            long arraysDelta = classBytes(big, BYTE_ARRAY) - classBytes(base, BYTE_ARRAY);
            table.row(
                    variant,
                    "class histogram over the baseline's at " + Table.num(big.requests(), 0)
                            + " requests, B per open batch: all but byte[] / byte[] (mostly client buffers, see"
                            + " docs)",
                    Table.num((bytesDelta - arraysDelta) / (double) addedBatches(big, base), 0) + " / "
                            + Table.num(arraysDelta / (double) addedBatches(big, base), 0),
                    "",
                    "",
                    "",
                    "");
            table.row(
                    variant,
                    "of which the top classes but byte[] (B per open batch)",
                    topClasses(big, base, 6),
                    "",
                    "",
                    "",
                    "");
        }
        table.row(
                "open",
                "emulator (bench JVM, not the worker): heap for " + Table.num(result.emulatorRequests(), 0)
                        + " never-ending requests, MB",
                mb(result.emulatorHeapBytes()),
                "",
                "",
                "",
                "");
        result.worst(size.smallRequests())
                .ifPresent(r -> line.put("open_heap_mb_100k", Table.plain(r.heapAfterGc() / 1048576.0, 1)));
        result.worst(size.bigRequests())
                .ifPresent(r -> line.put("open_heap_mb_1m", Table.plain(r.heapAfterGc() / 1048576.0, 1)));
        Bench.log("  open: worst heap ratio big / small %.2f", worstRatio);
    }

    /** The top classes of the histogram delta as one short text: {@code Class N B, …} per open batch. */
    static String topClasses(Run r, Run baseline, int top) {
        int denominator = addedBatches(r, baseline);
        List<String> parts = new ArrayList<>();
        for (Object[] row : histogramDelta(r, baseline, top + 1)) {
            if (row[0].equals(BYTE_ARRAY) || parts.size() == top) {
                continue;
            }
            String name = (String) row[0];
            name = name.substring(name.lastIndexOf('.') + 1);
            parts.add(name + " " + Table.num((Long) row[2] / (double) denominator, 0) + " B");
        }
        return String.join(", ", parts);
    }
}
