package io.batchbridge.bench;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.batchbridge.client.BatchesClient;
import io.batchbridge.common.kafka.KafkaClientDefaults;
import io.batchbridge.common.records.TicketCodec;
import io.batchbridge.common.topics.TopicNames;
import io.batchbridge.emulator.Emulator;
import io.batchbridge.submitter.SubmitterApp;
import io.batchbridge.submitter.SubmitterConfig;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * Intake: the submitter from a pre-filled request topic to created batches with committed tickets, against a
 * plain consumer that reads the same records and POSTs their concatenation as one batch.
 */
final class IntakeBench {
    static final int MAX_WARM_UPS = 4;
    /**
     * @param submitterSeconds from the submitter's first consumed record (after its group join) to all tickets
     *     committed; the baseline assigns partitions and has no group to join
     * @param submitterCpuSeconds the bench's and the broker's JVMs' CPU over that window (emulator included)
     */
    record Result(
            int requests,
            long bytes,
            double submitterSeconds,
            double fromStartSeconds,
            int batches,
            double submitterCpuSeconds,
            double baselineSeconds,
            double baselineCpuSeconds,
            CpuByGroup submitterSplit,
            CpuByGroup baselineSplit) {
        double submitterRate() {
            return requests / submitterSeconds;
        }

        double baselineRate() {
            return requests / baselineSeconds;
        }

        double ratio() {
            return submitterRate() / baselineRate();
        }

        /** The submitter's CPU per request divided by the baseline's (consumer + one POST): what intake adds (#22). */
        double overhead() {
            return submitterCpuSeconds / baselineCpuSeconds;
        }
    }

    private final BenchEnv env;

    IntakeBench(BenchEnv env) {
        this.env = env;
    }

    /**
     * Fills the topic once, then runs each side in turn (each submitter run with its own group, so it reads
     * everything again): up to {@link #MAX_WARM_UPS} warm-up rounds, then {@code runs} measured ones, keeping each
     * side's best: noise on a shared machine only ever slows a run.
     */
    Result run(int n, int runs) throws Exception {
        TopicNames t = env.topics("intake", 4);
        String filler = "x".repeat(1900);
        long bytes = 0;
        try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(KafkaClientDefaults.producer(env.bootstrap()))) {
            for (int i = 0; i < n; i++) {
                byte[] v = ("{\"custom_id\":\"r" + i + "\",\"params\":" + BenchEnv.params(100, filler) + "}")
                        .getBytes(UTF_8);
                bytes += v.length;
                p.send(new ProducerRecord<>(t.requests().get(0), ("k" + i).getBytes(UTF_8), v));
            }
            p.flush();
        }
        try (Emulator emu = Emulator.builder().timeScale(3600).seed(5).build().start()) {
            // Warm-up rounds (unreported) until the JIT settles: in a fresh JVM each side's first passes pay the
            // compiler for their whole path (validation, Jackson, zstd, the HTTP stack); C2 kept one of the two
            // cores busy for 1.5-4 s per round through the second or third round here.
            int maxWarmUps = runs == 1 ? 1 : MAX_WARM_UPS;
            for (int w = 1; w <= maxWarmUps; w++) {
                if (round(t, emu, n, "warm-up " + w).warm()) {
                    break;
                }
            }
            Side sub = null;
            Side baseline = null;
            for (int run = 1; run <= runs; run++) {
                Round r = round(t, emu, n, "run " + run);
                sub = sub == null || r.submitter().seconds() < sub.seconds() ? r.submitter() : sub;
                baseline = baseline == null || r.baseline().seconds() < baseline.seconds() ? r.baseline() : baseline;
            }
            return new Result(
                    n,
                    bytes,
                    sub.seconds(),
                    sub.fromStartSeconds(),
                    sub.batches(),
                    sub.cpuSeconds(),
                    baseline.seconds(),
                    baseline.cpuSeconds(),
                    sub.split(),
                    baseline.split());
        }
    }

    /** One submitter run and one baseline run; warm when the JIT compiled for under a tenth of the round. */
    private record Round(Side submitter, Side baseline, boolean warm) {}

    /**
     * One side's run: {@code seconds} measured, {@code fromStartSeconds} including the group join (the submitter),
     * the bench's and the broker's JVMs' CPU over the measured seconds, and that CPU by thread group.
     */
    private record Side(double seconds, double fromStartSeconds, int batches, double cpuSeconds, CpuByGroup split) {}

    private Round round(TopicNames t, Emulator emu, int n, String name) throws Exception {
        long t0 = System.nanoTime();
        long jit0 = jvmWork()[2];
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        Side submitter;
        try (BatchesClient client = BenchEnv.client(emu.baseUrl(), registry, 8)) {
            submitter = submitter(t, client, registry, n);
        }
        Side plain = baseline(t, emu.baseUrl(), n);
        double jitShare = (jvmWork()[2] - jit0) / ((System.nanoTime() - t0) / 1e6);
        System.err.printf(
                "intake %s: submitter %.2f s (%.2f cores), baseline %.2f s (%.2f cores), JIT busy %.0f %%%n",
                name,
                submitter.seconds(),
                submitter.cpuSeconds() / submitter.seconds(),
                plain.seconds(),
                plain.cpuSeconds() / plain.seconds(),
                jitShare * 100);
        return new Round(submitter, plain, jitShare < 0.1);
    }

    private Side submitter(TopicNames t, BatchesClient client, SimpleMeterRegistry registry, int n)
            throws InterruptedException {
        Map<String, String> c = BenchEnv.submitterConfig(
                env.bootstrap(), t, Map.of(SubmitterConfig.LINGER_MS, "500", SubmitterConfig.POLL_TIMEOUT_MS, "50"));
        c.putAll(BenchEnv.propertiesWithPrefix("bench.submitter."));
        KafkaConsumer<byte[], byte[]> tickets = ticketReader(t);
        long t0 = System.nanoTime();
        SubmitterApp app = BenchEnv.submitter(c, client, registry);
        try {
            long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
            while (consumed(registry) == 0 && System.nanoTime() < deadline) {
                Thread.sleep(2);
            }
            long first = System.nanoTime();
            long cpuFirst = BenchEnv.cpuNanos();
            long[] jvmFirst = jvmWork();
            CpuByGroup.Window window = CpuByGroup.start();
            long allConsumed = 0;
            long allCreated = 0;
            int ticketed = 0;
            while (ticketed < n) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("submitter ticketed " + ticketed + " of " + n);
                }
                // Returns as soon as tickets arrive; 50 ms only paces the checks below (polling every 5 ms cost
                // this thread 55-90 ms of CPU per run, taken from the submitter on two cores).
                for (ConsumerRecord<byte[], byte[]> r : tickets.poll(Duration.ofMillis(50))) {
                    ticketed += TicketCodec.read(r.value()).items().size();
                }
                if (allConsumed == 0 && consumed(registry) >= n) {
                    allConsumed = System.nanoTime();
                }
                if (allCreated == 0 && created(registry) >= n) {
                    allCreated = System.nanoTime();
                }
            }
            long end = System.nanoTime();
            long[] jvmEnd = jvmWork();
            CpuByGroup split = window.stop();
            Map<String, Long> threadMs = ThreadCpu.snapshot().since(window.threads());
            System.err.printf(
                    "intake: all consumed after %.2f s, created %.2f s, tickets visible %.2f s;"
                            + " meanwhile GC %d ms (%d collections), JIT %d ms%n",
                    (allConsumed - first) / 1e9,
                    (allCreated - first) / 1e9,
                    (end - first) / 1e9,
                    jvmEnd[0] - jvmFirst[0],
                    jvmEnd[1] - jvmFirst[1],
                    jvmEnd[2] - jvmFirst[2]);
            System.err.println("intake: CPU ms by thread: " + ThreadCpu.top(threadMs, 10));
            io.micrometer.core.instrument.Timer intents =
                    registry.find("bridge.submitter.intent.write").timer();
            io.micrometer.core.instrument.Timer creates =
                    registry.find("bridge.submitter.create.latency").timer();
            if (intents != null && creates != null && creates.count() > 0) {
                // #19: what the create intent adds to each batch, next to the create call it precedes
                System.err.printf(
                        "intake: create intents: %d written, mean %.2f ms, max %.2f ms per batch;"
                                + " create calls mean %.2f ms (intent = %.1f %% of a create)%n",
                        intents.count(),
                        intents.mean(java.util.concurrent.TimeUnit.MILLISECONDS),
                        intents.max(java.util.concurrent.TimeUnit.MILLISECONDS),
                        creates.mean(java.util.concurrent.TimeUnit.MILLISECONDS),
                        100
                                * intents.mean(java.util.concurrent.TimeUnit.MILLISECONDS)
                                / creates.mean(java.util.concurrent.TimeUnit.MILLISECONDS));
            }
            DistributionSummary s =
                    registry.find("bridge.submitter.batch.requests").summary();
            return new Side(
                    (end - first) / 1e9,
                    (end - t0) / 1e9,
                    (int) s.count(),
                    (BenchEnv.cpuNanos() - cpuFirst) / 1e9,
                    split);
        } finally {
            app.close(Duration.ofSeconds(10));
            tickets.close();
        }
    }

    /** GC time (ms) and collections so far, and JIT compilation time (ms): the noise a run can pay. */
    static long[] jvmWork() {
        long gcMs = 0;
        long gcs = 0;
        for (java.lang.management.GarbageCollectorMXBean gc :
                java.lang.management.ManagementFactory.getGarbageCollectorMXBeans()) {
            gcMs += Math.max(0, gc.getCollectionTime());
            gcs += Math.max(0, gc.getCollectionCount());
        }
        return new long[] {
            gcMs,
            gcs,
            java.lang.management.ManagementFactory.getCompilationMXBean().getTotalCompilationTime()
        };
    }

    /** A read_committed reader positioned at the end of the batches topic (earlier runs' tickets are behind it). */
    private KafkaConsumer<byte[], byte[]> ticketReader(TopicNames t) {
        Map<String, Object> cc = KafkaClientDefaults.consumer(env.bootstrap(), "unused");
        cc.remove("group.id");
        KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(cc);
        List<TopicPartition> tps = c.partitionsFor(t.batches()).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition()))
                .toList();
        c.assign(tps);
        c.seekToEnd(tps);
        tps.forEach(c::position); // resolve the end now, before the submitter writes
        return c;
    }

    private static double consumed(SimpleMeterRegistry registry) {
        return registry.find("bridge.submitter.requests.consumed").counters().stream()
                .mapToDouble(c -> c.count())
                .sum();
    }

    private static double created(SimpleMeterRegistry registry) {
        DistributionSummary s = registry.find("bridge.submitter.batch.requests").summary();
        return s == null ? 0 : s.totalAmount();
    }

    /**
     * Reads the n records with a plain read_committed consumer and POSTs their concatenation once.
     *
     * @return seconds, and the CPU seconds of the bench's and the broker's JVMs over them
     */
    private Side baseline(TopicNames t, String baseUrl, int n) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        Map<String, Object> cc = KafkaClientDefaults.consumer(env.bootstrap(), "unused");
        cc.remove("group.id");
        long t0 = System.nanoTime();
        long cpu0 = BenchEnv.cpuNanos();
        CpuByGroup.Window window = CpuByGroup.start();
        ByteArrayOutputStream body = new ByteArrayOutputStream(n * 2100);
        body.write("{\"requests\":[".getBytes(UTF_8));
        int read = 0;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(cc)) {
            List<TopicPartition> tps = consumer.partitionsFor(t.requests().get(0)).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition()))
                    .toList();
            consumer.assign(tps);
            consumer.seekToBeginning(tps);
            while (read < n) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                    if (read++ > 0) {
                        body.write(',');
                    }
                    body.write(r.value());
                }
            }
        }
        body.write("]}".getBytes(UTF_8));
        HttpResponse<String> answer = http.send(
                HttpRequest.newBuilder(URI.create(baseUrl + "/v1/messages/batches"))
                        .header("x-api-key", "bench-key")
                        .header("anthropic-version", "2023-06-01")
                        .header("content-type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray()))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        double seconds = (System.nanoTime() - t0) / 1e9;
        double cpu = (BenchEnv.cpuNanos() - cpu0) / 1e9;
        CpuByGroup split = window.stop();
        if (answer.statusCode() != 200) {
            throw new IllegalStateException("baseline create answered " + answer.statusCode() + ": " + answer.body());
        }
        return new Side(seconds, seconds, 1, cpu, split);
    }
}
