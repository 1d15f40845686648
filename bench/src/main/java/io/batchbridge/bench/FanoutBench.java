package io.batchbridge.bench;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.batchbridge.client.BatchesClient;
import io.batchbridge.client.CreateBody;
import io.batchbridge.client.MessageBatch;
import io.batchbridge.common.kafka.CommittedReader;
import io.batchbridge.common.kafka.KafkaClientDefaults;
import io.batchbridge.common.topics.TopicNames;
import io.batchbridge.emulator.Emulator;
import io.batchbridge.worker.WorkerApp;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Fan-out of one ended batch: the worker (exactly once, transactions and checkpoints) against a raw idempotent
 * producer sending the very payloads the worker wrote (pre-built in memory), and against the peer (SDK + producer).
 */
final class FanoutBench {
    /** One shape's figures. */
    record Shape(String name, int results, long payloadBytes, Run worker, Run baseline, Run peer, Run download) {
        double ratio() {
            return worker.perSecond() / baseline.perSecond();
        }

        double peerRatio() {
            return worker.perSecond() / peer.perSecond();
        }

        /**
         * What the bridge adds on top of the work that cannot be avoided (issue #22): the worker's CPU per result
         * divided by the floor's — the raw producer writing the same records plus the download-only pass getting
         * them (both measured in this run, on the same JVMs).
         */
        double overhead() {
            return worker.cpuMicrosPerRecord() / (baseline.cpuMicrosPerRecord() + download.cpuMicrosPerRecord());
        }

        /** The worker's CPU per result by thread group beside the floor's (raw producer + getting the results). */
        String cpuTable(String title) {
            return CpuByGroup.table(
                    title, "worker", worker.split(), "floor", baseline.split().plus(download.split()), results);
        }

        /** Each side's faster run of this and {@code other} (the same shape run again). */
        Shape fasterOf(Shape other) {
            return new Shape(
                    name,
                    results,
                    payloadBytes,
                    Run.faster(worker, other.worker),
                    Run.faster(baseline, other.baseline),
                    Run.faster(peer, other.peer),
                    Run.faster(download, other.download));
        }
    }

    /**
     * One measured run: records and bytes written in {@code seconds}, using {@code cpuSeconds} of the bench's JVM
     * and the broker's (emulator included: they all share the same cores), split by thread group in {@code split}.
     */
    record Run(long records, long bytes, double seconds, double cpuSeconds, CpuByGroup split) {
        Run(long records, long bytes, double seconds, double cpuSeconds) {
            this(records, bytes, seconds, cpuSeconds, CpuByGroup.NONE);
        }

        /** CPU microseconds per record, bench and broker JVMs. */
        double cpuMicrosPerRecord() {
            return cpuSeconds * 1e6 / records;
        }

        /** Cores busy on average during the run. */
        double cores() {
            return cpuSeconds / seconds;
        }

        double perSecond() {
            return records / seconds;
        }

        double mbPerSecond() {
            return bytes / 1e6 / seconds;
        }

        static Run faster(Run a, Run b) {
            return a.perSecond() >= b.perSecond() ? a : b;
        }
    }

    private final BenchEnv env;

    FanoutBench(BenchEnv env) {
        this.env = env;
    }

    Shape run(String name, int results, int outputTokens) throws Exception {
        try (Emulator emu = Emulator.builder().timeScale(3600).seed(11).build().start();
                BatchesClient client = BenchEnv.client(emu.baseUrl(), new SimpleMeterRegistry(), 8)) {
            boolean big = outputTokens > 64_000;
            List<String> betas = big ? List.of(BenchEnv.BETA_300K) : List.of();
            MessageBatch batch = create(client, results, outputTokens, betas);
            MessageBatch first = create(client, 1, outputTokens, betas);
            emu.advance(Duration.ofHours(3));
            TopicNames t = env.topics("fanout-" + name, 1);
            Run worker = worker(t, client, first, batch, results, betas);
            List<ConsumerRecord<byte[], byte[]>> all = CommittedReader.readAll(env.bootstrap(), t.results());
            if (all.size() != results + 1) {
                throw new IllegalStateException("worker wrote " + all.size() + " results for " + (results + 1)
                        + " lines (exactly once broken)");
            }
            // The first record is the warm-up batch's (fanned out before the measured ticket was written).
            List<ConsumerRecord<byte[], byte[]>> written = all.subList(1, all.size());
            all = null;
            long payload = written.stream().mapToLong(r -> r.value().length).sum();
            Run baseline = baseline(written);
            written = null;
            Run peer = PeerFanout.run(emu.baseUrl(), batch.id(), env.bootstrap(), env.topics("peer-" + name, 1));
            return new Shape(name, results, payload, worker, baseline, peer, download(client, batch));
        }
    }

    static MessageBatch create(BatchesClient client, int n, int outputTokens, List<String> betas) {
        CreateBody.Builder body = CreateBody.inMemory();
        byte[] params = BenchEnv.params(
                        Math.max(outputTokens, 1000), "#emulate output_tokens=" + outputTokens + " outcome=succeeded")
                .getBytes(UTF_8);
        for (int i = 0; i < n; i++) {
            body.add(io.batchbridge.common.records.TicketItem.batchCustomId(0, 0, i), params);
        }
        return client.create(body.build(), betas);
    }

    /**
     * The worker in steady state: it first fans out a one-result batch (its fan-out producer is created and
     * {@code initTransactions} runs once per fan-out thread, as in a long-running worker), then the measured
     * batch's ticket is written and its fan-out timed.
     */
    private Run worker(
            TopicNames t, BatchesClient client, MessageBatch first, MessageBatch batch, int n, List<String> betas)
            throws InterruptedException {
        BenchEnv.writeTickets(env.bootstrap(), t, List.of(first), List.of(BenchEnv.items(t, 1)), betas);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        long t0 = System.nanoTime();
        WorkerApp w = BenchEnv.worker(BenchEnv.workerConfig(env.bootstrap(), t, overrides()), client, registry);
        try {
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
            awaitFanouts(registry, 1, deadline);
            Timer latency = registry.find("bridge.worker.fanout.latency").timer();
            double before = latency.totalTime(TimeUnit.NANOSECONDS);
            double bytesBefore =
                    registry.find("bridge.worker.fanout.bytes").counter().count();
            CpuByGroup.Window window = CpuByGroup.start();
            ThreadCpu threads0 = window.threads();
            BenchEnv.writeTickets(env.bootstrap(), t, List.of(batch), List.of(BenchEnv.items(t, n)), betas);
            java.util.TreeMap<Long, Long> cpuAt = awaitFanouts(registry, 2, deadline);
            CpuByGroup split = window.stop();
            Map<String, Long> threadMs = ThreadCpu.snapshot().since(threads0);
            long end = System.nanoTime();
            long cpuEnd = BenchEnv.cpuNanos();
            double seconds = (latency.totalTime(TimeUnit.NANOSECONDS) - before) / 1e9;
            // The CPU of the fan-out window: from the sample nearest its start (5 ms resolution) to now.
            Map.Entry<Long, Long> start = cpuAt.floorEntry(end - (long) (seconds * 1e9));
            double cpu = (cpuEnd - (start == null ? cpuAt.firstEntry().getValue() : start.getValue())) / 1e9;
            double bytes = registry.find("bridge.worker.fanout.bytes").counter().count() - bytesBefore;
            Bench.log(
                    "  worker fan-out %d results: %.2f s (%.2f s from start); CPU ms by thread: %s",
                    n, seconds, (System.nanoTime() - t0) / 1e9, ThreadCpu.top(threadMs, 8));
            return new Run(n, (long) bytes, seconds, cpu, split);
        } finally {
            w.close(Duration.ofSeconds(20));
        }
    }

    /** Waits until {@code count} fan-outs finished; returns this JVM's CPU time sampled every 5 ms meanwhile. */
    private static java.util.TreeMap<Long, Long> awaitFanouts(SimpleMeterRegistry registry, int count, long deadline)
            throws InterruptedException {
        java.util.TreeMap<Long, Long> cpuAt = new java.util.TreeMap<>();
        Timer latency;
        while ((latency = registry.find("bridge.worker.fanout.latency").timer()) == null || latency.count() < count) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("fan-out " + count + " did not finish in 10 min");
            }
            cpuAt.put(System.nanoTime(), BenchEnv.cpuNanos());
            Thread.sleep(5);
        }
        return cpuAt;
    }

    /**
     * The worker's settings: the API call pacer raised (the default 10 calls/s parks the results download up to
     * 100 ms behind the retrieve that saw the batch end, which is rate limiting, not fan-out), plus settings to
     * try from system properties {@code -Dbench.worker.<key>=<value>}.
     */
    static Map<String, String> overrides() {
        Map<String, String> o = new java.util.TreeMap<>();
        o.put(io.batchbridge.worker.WorkerConfig.MAX_CALLS_PER_SECOND, "1000");
        o.putAll(BenchEnv.propertiesWithPrefix("bench.worker."));
        return o;
    }

    /**
     * What getting the results costs before any Kafka work: the emulator serving the file and our client reading
     * and parsing it (the worker's {@code ResultStream}), nothing produced.
     */
    private static Run download(BatchesClient client, MessageBatch batch) {
        MessageBatch ended = client.retrieve(batch.id());
        long t0 = System.nanoTime();
        long cpu0 = BenchEnv.cpuNanos();
        CpuByGroup.Window window = CpuByGroup.start();
        long lines = 0;
        long bytes = 0;
        try (io.batchbridge.client.ResultStream results = client.results(ended)) {
            while (results.hasNext()) {
                byte[] m = results.next().message();
                bytes += m == null ? 0 : m.length;
                lines++;
            }
        }
        return new Run(lines, bytes, (System.nanoTime() - t0) / 1e9, (BenchEnv.cpuNanos() - cpu0) / 1e9, window.stop());
    }

    /** A plain idempotent producer (same compression and acks as the worker's) sending the pre-built payloads. */
    private Run baseline(List<ConsumerRecord<byte[], byte[]>> payloads) {
        TopicNames t = env.topics("baseline", 1);
        try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(KafkaClientDefaults.producer(env.bootstrap()))) {
            p.partitionsFor(t.results());
            long bytes = 0;
            long t0 = System.nanoTime();
            long cpu0 = BenchEnv.cpuNanos();
            CpuByGroup.Window window = CpuByGroup.start();
            for (ConsumerRecord<byte[], byte[]> r : payloads) {
                p.send(new ProducerRecord<>(t.results(), null, r.key(), r.value(), r.headers()));
                bytes += r.value().length;
            }
            p.flush();
            double seconds = (System.nanoTime() - t0) / 1e9;
            CpuByGroup split = window.stop();
            Bench.log(
                    "  raw producer %d results: %.2f s; CPU ms by thread: %s",
                    payloads.size(), seconds, ThreadCpu.top(ThreadCpu.snapshot().since(window.threads()), 8));
            return new Run(payloads.size(), bytes, seconds, (BenchEnv.cpuNanos() - cpu0) / 1e9, split);
        }
    }
}
