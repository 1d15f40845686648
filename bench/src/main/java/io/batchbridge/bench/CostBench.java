package io.batchbridge.bench;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.batchbridge.client.BatchesClient;
import io.batchbridge.common.kafka.KafkaClientDefaults;
import io.batchbridge.common.lifecycle.Threads;
import io.batchbridge.common.topics.TopicNames;
import io.batchbridge.emulator.Emulator;
import io.batchbridge.submitter.SubmitterApp;
import io.batchbridge.worker.WorkerApp;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * What a shared-prefix workload costs through the real roles, priced from the emulator's usage (its prompt-cache
 * model, docs/emulator.md) by the worker's ledger: {@code requests} requests over {@code prefixes} system prompts of
 * {@code prefixTokens} tokens each (with {@code cache_control}), produced interleaved (request {@code i} has prefix
 * {@code i mod prefixes}), with first-come packing ({@code bridge.submitter.packing=arrival}), cache-aware packing
 * ({@code prefix}) and priming ({@code prefix} + {@code bridge.submitter.primer.topics=<the request topic>}), at
 * within-batch hit rates of 30 % and 98 %. Everything else runs at its default settings. Cost is the sum of the
 * results' {@code cost.total_micro_usd}; latency is wall time from a request produced to its result read.
 */
final class CostBench {
    /**
     * The workload.
     *
     * @param concurrent run the six configurations side by side (the quick bench: each waits its default linger,
     *     so one after another they would take minutes of waiting); the full bench runs them one after another so
     *     their latencies do not share the cores
     */
    record Size(int requests, int prefixes, int prefixTokens, boolean concurrent) {}

    /** One run's figures. */
    record Run(
            String mode,
            double hitRate,
            int requests,
            long costMicros,
            long inputTokens,
            long cacheWriteTokens,
            long cacheReadTokens,
            int batches,
            double p50Seconds,
            double meanSeconds,
            double seconds) {
        double usdPer1k() {
            return costMicros / 1e6 / requests * 1000;
        }
    }

    record Result(Size size, List<Run> runs) {
        Run get(String mode, double hitRate) {
            return runs.stream()
                    .filter(r -> r.mode().equals(mode) && r.hitRate() == hitRate)
                    .findFirst()
                    .orElseThrow();
        }
    }

    /** The summary line's keys: at 30 %, then at 98 % ({@code _98}). */
    static final List<String> KEYS = List.of(
            "cost_fifo_usd_per_1k",
            "cost_aware_usd_per_1k",
            "cost_primed_usd_per_1k",
            "primed_extra_latency_s",
            "cost_fifo_usd_per_1k_98",
            "cost_aware_usd_per_1k_98",
            "cost_primed_usd_per_1k_98",
            "primed_extra_latency_s_98");

    static final String MODEL = BenchEnv.MODEL;
    static final double[] HIT_RATES = {0.3, 0.98};
    static final String[] MODES = {"fifo", "aware", "primed"};
    /**
     * Simulated seconds per wall second. At 10x a batch of the emulator's default profile (queue up to 10 s, output
     * at 80 tokens/s) ends within about 2 wall seconds and a 5-minute cache entry lives 30 wall seconds, longer than
     * the gaps between the batches of one run, as in real time; at 3600x every entry would expire between two batches
     * created a second apart and nothing written by one batch could ever be read by the next.
     */
    static final double TIME_SCALE = 10;

    private static final ObjectMapper JSON = new ObjectMapper();
    private final BenchEnv env;

    CostBench(BenchEnv env) {
        this.env = env;
    }

    Result run(Size size) throws Exception {
        List<java.util.concurrent.Callable<Run>> all = new ArrayList<>();
        for (double h : HIT_RATES) {
            for (String mode : MODES) {
                all.add(() -> {
                    Bench.log("cost %s at hit rate %.2f ...", mode, h);
                    Run r = run(size, mode, h);
                    Bench.log(
                            "cost %s at %.2f: $%.3f per 1k, %d batches, p50 %.1f s",
                            mode, h, r.usdPer1k(), r.batches(), r.p50Seconds());
                    return r;
                });
            }
        }
        List<Run> runs = new ArrayList<>();
        if (!size.concurrent()) {
            for (java.util.concurrent.Callable<Run> c : all) {
                runs.add(c.call());
            }
            return new Result(size, runs);
        }
        java.util.concurrent.ExecutorService pool =
                java.util.concurrent.Executors.newFixedThreadPool(all.size(), Threads.numbered("bench-cost"));
        try {
            for (java.util.concurrent.Future<Run> f : pool.invokeAll(all)) {
                try {
                    runs.add(f.get());
                } catch (java.util.concurrent.ExecutionException e) {
                    throw e.getCause() instanceof Exception x ? x : new IllegalStateException(e.getCause());
                }
            }
        } finally {
            pool.shutdownNow();
        }
        return new Result(size, runs);
    }

    private Run run(Size size, String mode, double hitRate) throws Exception {
        TopicNames t = env.topics("cost-" + mode + "-" + Math.round(hitRate * 100), 1);
        String topic = t.requests().get(0);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        Map<String, Long> sent = new ConcurrentHashMap<>();
        Map<String, Long> seen = new ConcurrentHashMap<>();
        Map<String, JsonNode> results = new ConcurrentHashMap<>();
        long t0 = System.nanoTime();
        try (Emulator emu = Emulator.builder()
                        .timeScale(TIME_SCALE)
                        .seed(23)
                        .cacheHitRate(hitRate)
                        .build()
                        .start();
                BatchesClient client = BenchEnv.client(emu.baseUrl(), registry, 8)) {
            Map<String, String> packing = new HashMap<>();
            packing.put("bridge.submitter.packing", mode.equals("fifo") ? "arrival" : "prefix");
            if (mode.equals("primed")) {
                packing.put("bridge.submitter.primer.topics", topic);
            }
            SubmitterApp submitter =
                    BenchEnv.submitter(BenchEnv.submitterConfig(env.bootstrap(), t, packing), client, registry);
            WorkerApp worker = BenchEnv.worker(BenchEnv.workerConfig(env.bootstrap(), t, Map.of()), client, registry);
            Thread reader =
                    Threads.daemon("bench-cost-reader", () -> read(t.results(), seen, results, size.requests()));
            reader.start();
            String salt = mode + "-" + Math.round(hitRate * 100);
            String[] systems = new String[size.prefixes()];
            for (int p = 0; p < systems.length; p++) {
                systems[p] = system(salt, p, size.prefixTokens());
            }
            try (KafkaProducer<byte[], byte[]> producer =
                    new KafkaProducer<>(KafkaClientDefaults.producer(env.bootstrap()))) {
                for (int i = 0; i < size.requests(); i++) {
                    String id = "cost-" + i;
                    byte[] v = ("{\"custom_id\":\"" + id + "\",\"params\":{\"model\":\"" + MODEL
                                    + "\",\"max_tokens\":1024,\"system\":" + systems[i % systems.length]
                                    + ",\"messages\":[{\"role\":\"user\",\"content\":\"Question " + i + "\"}]}}")
                            .getBytes(UTF_8);
                    sent.put(id, System.nanoTime());
                    producer.send(new ProducerRecord<>(topic, id.getBytes(UTF_8), v));
                }
                producer.flush();
            }
            reader.join(Duration.ofMinutes(10).toMillis());
            worker.close(Duration.ofSeconds(10));
            submitter.close(Duration.ofSeconds(10));
        }
        if (results.size() < size.requests()) {
            throw new IllegalStateException(
                    "cost " + mode + ": " + results.size() + " of " + size.requests() + " results seen");
        }
        return summarise(mode, hitRate, sent, seen, results, (System.nanoTime() - t0) / 1e9);
    }

    /** A system prompt of about {@code tokens} tokens (4 bytes each), one block, cached with the 5-minute TTL. */
    static String system(String salt, int prefix, int tokens) {
        String head = "Prefix " + prefix + " of run " + salt + ". ";
        StringBuilder text = new StringBuilder(tokens * 4).append(head);
        String filler = "Policy clause " + prefix + " applies. ";
        while (text.length() < tokens * 4 - 80) {
            text.append(filler);
        }
        return "[{\"type\":\"text\",\"text\":\"" + text + "\",\"cache_control\":{\"type\":\"ephemeral\"}}]";
    }

    private static Run summarise(
            String mode,
            double hitRate,
            Map<String, Long> sent,
            Map<String, Long> seen,
            Map<String, JsonNode> results,
            double seconds) {
        long cost = 0;
        long input = 0;
        long write = 0;
        long read = 0;
        Set<String> batches = new HashSet<>();
        for (JsonNode v : results.values()) {
            cost += v.path("cost").path("total_micro_usd").asLong();
            JsonNode u = v.path("usage");
            input += u.path("input_tokens").asLong();
            write += u.path("cache_creation_input_tokens").asLong();
            read += u.path("cache_read_input_tokens").asLong();
            batches.add(v.path("batch_id").asText());
        }
        double[] latency = sent.entrySet().stream()
                .mapToDouble(e -> (seen.get(e.getKey()) - e.getValue()) / 1e9)
                .sorted()
                .toArray();
        double mean = Arrays.stream(latency).average().orElse(Double.NaN);
        return new Run(
                mode,
                hitRate,
                results.size(),
                cost,
                input,
                write,
                read,
                batches.size(),
                LatencyBench.percentile(latency, 50),
                mean,
                seconds);
    }

    private void read(String topic, Map<String, Long> seen, Map<String, JsonNode> results, int n) {
        env.readFromStart(
                topic, Map.of(), Duration.ofMillis(100), Duration.ofMinutes(10), () -> results.size() >= n, r -> {
                    String id = new String(r.key(), UTF_8);
                    seen.putIfAbsent(id, System.nanoTime());
                    try {
                        results.putIfAbsent(id, JSON.readTree(r.value()));
                    } catch (java.io.IOException e) {
                        throw new IllegalStateException("cost: unreadable result " + id, e);
                    }
                });
    }

    /** Adds the rows and the summary keys. */
    static void report(Result r, Table table, Map<String, String> line) {
        Size s = r.size();
        String name = "cost " + Table.num(s.requests(), 0) + " requests over " + s.prefixes() + " prefixes of "
                + Table.num(s.prefixTokens(), 0) + " tokens (emulator cache model, " + Table.num(TIME_SCALE, 0)
                + "x)";
        for (double h : HIT_RATES) {
            Run fifo = r.get("fifo", h);
            String pct = Table.num(h * 100, 0) + " %";
            for (String mode : MODES) {
                Run run = r.get(mode, h);
                long billed = run.inputTokens() + run.cacheWriteTokens() + run.cacheReadTokens();
                table.row(
                        name,
                        mode + " at " + pct + ": USD per 1,000 requests (batches; input tokens uncached / written /"
                                + " read %; p50 produce → result s)",
                        Table.num(run.usdPer1k(), 3) + " (" + run.batches() + "; "
                                + Table.num(100.0 * run.inputTokens() / billed, 1) + " / "
                                + Table.num(100.0 * run.cacheWriteTokens() / billed, 1) + " / "
                                + Table.num(100.0 * run.cacheReadTokens() / billed, 1) + "; "
                                + Table.num(run.p50Seconds(), 1) + ")",
                        mode.equals("fifo") ? "" : Table.num(fifo.usdPer1k(), 3),
                        mode.equals("fifo") ? "" : Table.num(run.usdPer1k() / fifo.usdPer1k(), 2),
                        mode.equals("aware") && h == 0.3 ? "≤ 0.6" : "",
                        mode.equals("aware") && h == 0.3 ? Table.met(run.usdPer1k() <= 0.6 * fifo.usdPer1k()) : "");
            }
            String suffix = h == 0.3 ? "" : "_" + Math.round(h * 100);
            line.put("cost_fifo_usd_per_1k" + suffix, Table.plain(fifo.usdPer1k(), 3));
            line.put(
                    "cost_aware_usd_per_1k" + suffix,
                    Table.plain(r.get("aware", h).usdPer1k(), 3));
            line.put(
                    "cost_primed_usd_per_1k" + suffix,
                    Table.plain(r.get("primed", h).usdPer1k(), 3));
            line.put(
                    "primed_extra_latency_s" + suffix,
                    Table.plain(
                            r.get("primed", h).p50Seconds() - r.get("aware", h).p50Seconds(), 1));
        }
    }
}
