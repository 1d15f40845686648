package io.batchbridge.bench;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.batchbridge.client.BatchesClient;
import io.batchbridge.client.MessageBatch;
import io.batchbridge.common.kafka.KafkaClientDefaults;
import io.batchbridge.common.lifecycle.Threads;
import io.batchbridge.common.records.BridgeHeaders;
import io.batchbridge.common.records.TicketItem;
import io.batchbridge.common.topics.TopicNames;
import io.batchbridge.emulator.Emulator;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;

/**
 * Worker scaling: the same load (ended batches at the emulator, their tickets spread evenly over a 6-partition
 * batches topic, written in one transaction) fanned out by 1, 2 or 3 worker instances, each a {@link ScalingChild}
 * JVM of its own in one consumer group, as a user runs them (static membership, each its own instance id, no
 * consumer timeout tuned). Time: from the tickets' transaction committed (visible) to the last result seen by a
 * {@code read_committed} reader of the results topic. CPU: every worker JVM's, and the whole machine's (workers +
 * this JVM with the emulator and the reader + the broker), from {@code /proc/<pid>/stat}.
 */
final class ScalingBench {
    static final int PARTITIONS = 6;
    /**
     * Each instance of a configuration sees 1/n of a round's work, so its JIT settles about n times later: up to 8
     * warm-up rounds (the 1-worker configuration was warm after 2-3 on 2026-12-03, the 3-worker one needed more).
     */
    static final int MAX_WARM_UPS = 8;

    /**
     * One round: {@code seconds} from tickets visible to the last result read; CPU seconds of the worker JVMs and of
     * the whole machine over it; per instance (in start order) its CPU seconds, fan-outs and results.
     */
    record Round(
            String name,
            long results,
            double seconds,
            double workerCpu,
            double totalCpu,
            double[] childCpu,
            long[] childFanouts,
            long[] childResults,
            long abortedTxns,
            double jitShare,
            double otherCores,
            double idleCores,
            long committedTxns,
            long produceRequests,
            long produceKb,
            double brokerCpu) {
        double perSecond() {
            return results / seconds;
        }

        double workerMicrosPerResult() {
            return workerCpu * 1e6 / results;
        }

        double brokerMicrosPerResult() {
            return brokerCpu * 1e6 / results;
        }

        double totalMicrosPerResult() {
            return totalCpu * 1e6 / results;
        }

        double cores() {
            return totalCpu / seconds;
        }
    }

    /**
     * One configuration's figures: its fastest measured round and the rates of all of them; the partitions each
     * instance held (start order); assign/revoke log lines after the group first settled, transactions aborted,
     * and other log lines worth a look; seconds from launching the JVMs to a settled group.
     */
    record Result(
            int workers,
            int batches,
            int perBatch,
            long bytesPerRound,
            Round best,
            List<Double> rates,
            List<Integer> partitions,
            int rebalanceLines,
            long abortedTxns,
            List<String> notable,
            double settleSeconds) {}

    private final BenchEnv env;

    ScalingBench(BenchEnv env) {
        this.env = env;
    }

    /**
     * Starts every configuration (its own topics, group, emulator and worker JVMs) and waits for each group to
     * settle, then runs their rounds interleaved — a warm-up round of each until its workers' JIT settles (at most
     * {@link #MAX_WARM_UPS}; one when {@code runs} is 1), then {@code runs} measured rounds of each, one
     * configuration after the other — so other work on a shared machine falls on all of them alike. The instances
     * of the configurations not being measured idle meanwhile (their CPU is counted apart, not as the round's).
     */
    List<Result> run(int[] workerCounts, int batches, int perBatch, int tokens, int runs) throws Exception {
        List<Config> configs = new ArrayList<>();
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", env.bootstrap()))) {
            for (int workers : workerCounts) {
                Config c = new Config(workers, new Load(batches, perBatch, tokens));
                configs.add(c);
                c.start(admin);
            }
            int maxWarmUps = runs == 1 ? 1 : MAX_WARM_UPS;
            List<Config> cold = new ArrayList<>(configs);
            for (int w = 1; w <= maxWarmUps && !cold.isEmpty(); w++) {
                for (Config c : List.copyOf(cold)) {
                    if (round("warm-up " + w, c, configs).jitShare() < 0.1) {
                        cold.remove(c);
                    }
                }
            }
            for (int r = 1; r <= runs; r++) {
                for (Config c : configs) {
                    c.measured.add(round("run " + r, c, configs));
                }
            }
            List<Result> results = new ArrayList<>();
            for (Config c : configs) {
                results.add(c.result(admin));
            }
            return results;
        } finally {
            for (Config c : configs) {
                c.close();
            }
        }
    }

    /** One configuration: n worker JVMs in one group on topics, an emulator and a results reader of their own. */
    private final class Config implements AutoCloseable {
        final int workers;
        final Load load;
        final String id = UUID.randomUUID().toString().substring(0, 6);
        final String group = "bench-scaling-" + id;
        final List<Child> children = new ArrayList<>();
        final List<Round> measured = new ArrayList<>();
        TopicNames t;
        Emulator emu;
        BatchesClient client;
        Reader reader;
        Map<String, List<Integer>> settled;
        int[] linesAtSettle;
        double settleSeconds;

        Config(int workers, Load load) {
            this.workers = workers;
            this.load = load;
        }

        void start(Admin admin) throws Exception {
            String prefix = "bench-scale" + workers + "w-" + id + ".";
            t = TopicNames.withPrefix(prefix);
            BenchEnv.provision(env.bootstrap(), t, PARTITIONS);
            Path logs = Files.createTempDirectory("bench-scaling-" + workers + "w-");
            Bench.log("  %d worker(s): group %s, logs in %s, load average %s", workers, group, logs, loadAverage());
            emu = Emulator.builder().timeScale(3600).seed(17).build().start();
            client = BenchEnv.client(emu.baseUrl(), new SimpleMeterRegistry(), 8);
            reader = new Reader(env.bootstrap(), t.results());
            long launched = System.nanoTime();
            for (int i = 0; i < workers; i++) {
                children.add(Child.launch(
                        env.bootstrap(), emu.baseUrl(), prefix, group, "scale-" + id + "-w" + (i + 1), logs));
            }
            for (Child c : children) {
                c.expect("started", Duration.ofMinutes(2));
            }
            settled = awaitSettled(admin, group, children);
            settleSeconds = (System.nanoTime() - launched) / 1e9;
            linesAtSettle = awaitAssignedLogged(children);
            Bench.log(
                    "  %d worker(s): group settled in %.1f s: %s", workers, settleSeconds, describe(settled, children));
        }

        Result result(Admin admin) throws Exception {
            Round best = null;
            List<Double> rates = new ArrayList<>();
            long aborted = 0;
            for (Round r : measured) {
                rates.add(r.perSecond());
                aborted += r.abortedTxns();
                best = best == null || r.perSecond() > best.perSecond() ? r : best;
            }
            Map<String, List<Integer>> after = assignment(admin, group);
            if (!after.equals(settled)) {
                Bench.log("  %d worker(s): assignment changed during the rounds: %s", workers, after);
            }
            // What the workers logged from the settled group to the end of the last round: rebalances, and
            // warnings, errors and redone work, counted by kind.
            int rebalanceLines = 0;
            List<String> notable = new ArrayList<>();
            for (int i = 0; i < children.size(); i++) {
                List<String> lines = children.get(i).lines();
                lines = lines.subList(Math.min(linesAtSettle[i], lines.size()), lines.size());
                rebalanceLines +=
                        (int) lines.stream().filter(Child::isRebalance).count();
                Map<String, Integer> kinds = new TreeMap<>();
                lines.stream().filter(Child::isNotable).forEach(l -> kinds.merge(Child.kind(l), 1, Integer::sum));
                String who = children.get(i).instanceId;
                kinds.forEach((k, v) -> notable.add(who + ": " + v + " × " + k));
            }
            notable.forEach(l -> Bench.log("    %d worker(s), logged after the group settled: %s", workers, l));
            List<Integer> partitions = children.stream()
                    .map(c -> settled.getOrDefault(c.memberId(), List.of()).size())
                    .toList();
            return new Result(
                    workers,
                    load.batches,
                    load.perBatch,
                    load.bytesPerRound,
                    best,
                    rates,
                    partitions,
                    rebalanceLines,
                    aborted,
                    notable,
                    settleSeconds);
        }

        @Override
        public void close() {
            for (Child c : children) {
                c.stop();
            }
            if (reader != null) {
                reader.close();
            }
            if (client != null) {
                client.close();
            }
            if (emu != null) {
                emu.close();
            }
        }
    }

    /** The shape of a round's load: ended batches created at the emulator just before their tickets are written. */
    private static final class Load {
        final int batches;
        final int perBatch;
        final int tokens;
        long bytesPerRound;

        Load(int batches, int perBatch, int tokens) {
            this.batches = batches;
            this.perBatch = perBatch;
            this.tokens = tokens;
        }

        List<MessageBatch> create(BatchesClient client, Emulator emu) {
            List<MessageBatch> out = new ArrayList<>();
            for (int b = 0; b < batches; b++) {
                out.add(FanoutBench.create(client, perBatch, tokens, List.of()));
            }
            emu.advance(Duration.ofHours(3));
            return out;
        }
    }

    private Round round(String name, Config config, List<Config> all) throws Exception {
        Load load = config.load;
        Reader reader = config.reader;
        List<Child> children = config.children;
        List<Child> idle = all.stream()
                .filter(c -> c != config)
                .flatMap(c -> c.children.stream())
                .toList();
        List<MessageBatch> batches = load.create(config.client, config.emu);
        List<List<TicketItem>> items = new ArrayList<>();
        for (int b = 0; b < batches.size(); b++) {
            items.add(BenchEnv.items(config.t, load.perBatch));
        }
        for (Child c : children) {
            c.ask("mark", "marked");
        }
        reader.toEnd();
        int expected = load.batches * load.perBatch;
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
        BenchEnv.writeTickets(env.bootstrap(), config.t, batches, items, List.of(), b -> b % PARTITIONS);
        long t0 = System.nanoTime();
        long cpu0 = BenchEnv.cpuNanos();
        long broker0 = BenchEnv.brokerCpuNanos();
        long machine0 = machineBusyNanos();
        long[] childCpu0 = children.stream().mapToLong(Child::cpuNanos).toArray();
        long idle0 = idle.stream().mapToLong(Child::cpuNanos).sum();
        long end = reader.await(expected, deadline);
        long cpu1 = BenchEnv.cpuNanos();
        long broker1 = BenchEnv.brokerCpuNanos();
        long machine1 = machineBusyNanos();
        long[] childCpu1 = children.stream().mapToLong(Child::cpuNanos).toArray();
        double idleCpu = (idle.stream().mapToLong(Child::cpuNanos).sum() - idle0) / 1e9;
        load.bytesPerRound = reader.bytes;
        double seconds = (end - t0) / 1e9;
        double[] childCpu = new double[children.size()];
        double workerCpu = 0;
        for (int i = 0; i < childCpu.length; i++) {
            childCpu[i] = (childCpu1[i] - childCpu0[i]) / 1e9;
            workerCpu += childCpu[i];
        }
        // Every fan-out is counted by its worker once its last transaction committed, which the reader saw:
        // wait for the counts to catch up, then look for anything written twice.
        List<Map<String, String>> reports = new ArrayList<>();
        long fanouts = 0;
        long reportDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        do {
            reports.clear();
            for (Child c : children) {
                reports.add(c.report());
            }
            fanouts = reports.stream()
                    .mapToLong(r -> Long.parseLong(r.get("fanouts")))
                    .sum();
        } while (fanouts < load.batches && System.nanoTime() < reportDeadline && sleep(50));
        int extra = reader.extra(Duration.ofMillis(300));
        if (fanouts != load.batches || extra > 0) {
            throw new IllegalStateException(name + ": workers counted " + fanouts + " fan-outs of " + load.batches
                    + " batches; " + extra + " results beyond the " + expected + " expected (exactly once broken)");
        }
        long[] childFanouts = reports.stream()
                .mapToLong(r -> Long.parseLong(r.get("fanouts")))
                .toArray();
        long[] childResults = reports.stream()
                .mapToLong(r -> Long.parseLong(r.get("results")))
                .toArray();
        long aborted = reports.stream()
                .mapToLong(r -> Long.parseLong(r.get("txn_aborted")))
                .sum();
        long jitMs =
                reports.stream().mapToLong(r -> Long.parseLong(r.get("jit_ms"))).sum();
        double jitShare = jitMs / (seconds * 1000);
        Round round = new Round(
                name,
                expected,
                seconds,
                workerCpu,
                workerCpu + (cpu1 - cpu0) / 1e9,
                childCpu,
                childFanouts,
                childResults,
                aborted,
                jitShare,
                Math.max(0, (machine1 - machine0) / 1e9 - workerCpu - (cpu1 - cpu0) / 1e9 - idleCpu) / seconds,
                idleCpu / seconds,
                sum(reports, "txn_committed"),
                sum(reports, "produce_requests"),
                sum(reports, "produce_kb"),
                (broker1 - broker0) / 1e9);
        StringBuilder per = new StringBuilder();
        for (int i = 0; i < children.size(); i++) {
            Map<String, String> r = reports.get(i);
            per.append(String.format(
                    Locale.ROOT,
                    "%n      %s: %d fan-outs, %d results, CPU %.2f s, txns %s committed / %s aborted, %s produce"
                            + " requests (%s KB compressed), JIT %s ms, GC %s ms; CPU ms by thread: %s",
                    children.get(i).instanceId,
                    childFanouts[i],
                    childResults[i],
                    childCpu[i],
                    r.get("txn_committed"),
                    r.get("txn_aborted"),
                    r.get("produce_requests"),
                    r.get("produce_kb"),
                    r.get("jit_ms"),
                    r.get("gc_ms"),
                    r.get("threads")));
        }
        Bench.log(
                "  %d worker(s) %s: %d results in %.2f s (%,.0f/s); CPU µs per result: workers %.0f, broker %.0f, whole machine"
                        + " %.0f (%.2f cores busy; idle instances of the other configurations %.2f, other processes %.2f cores);"
                        + " workers' JIT %.0f %% of the round%s",
                children.size(),
                name,
                expected,
                seconds,
                round.perSecond(),
                round.workerMicrosPerResult(),
                round.brokerMicrosPerResult(),
                round.totalMicrosPerResult(),
                round.cores(),
                round.idleCores(),
                round.otherCores(),
                jitShare * 100,
                per);
        return round;
    }

    private static long sum(List<Map<String, String>> reports, String key) {
        return reports.stream().mapToLong(r -> Long.parseLong(r.get(key))).sum();
    }

    private static void sleepQuietly(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static boolean sleep(long ms) throws InterruptedException {
        Thread.sleep(ms);
        return true;
    }

    /**
     * A worker reports its assignment settled as its rebalance callback starts, and logs "assigned" once it has
     * loaded the checkpoints: waits (at most 30 s) until each has logged it, so that line is not counted as a
     * rebalance during the rounds; returns each log's line count then.
     */
    private static int[] awaitAssignedLogged(List<Child> children) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            boolean all = true;
            for (Child c : children) {
                List<String> r = c.lines().stream().filter(Child::isRebalance).toList();
                all &= !r.isEmpty() && r.get(r.size() - 1).contains(" - assigned [");
            }
            if (all || System.nanoTime() > deadline) {
                return children.stream().mapToInt(c -> c.lines().size()).toArray();
            }
            Thread.sleep(50);
        }
    }

    /** Waits until the group is stable with every instance a member, all partitions assigned, each settled. */
    private static Map<String, List<Integer>> awaitSettled(Admin admin, String group, List<Child> children)
            throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        Map<String, List<Integer>> last = Map.of();
        while (System.nanoTime() < deadline) {
            ConsumerGroupDescription d;
            try {
                d = admin.describeConsumerGroups(List.of(group)).all().get().get(group);
            } catch (java.util.concurrent.ExecutionException e) {
                if (!(e.getCause() instanceof org.apache.kafka.common.errors.GroupIdNotFoundException)) {
                    throw e;
                }
                Thread.sleep(100); // no member has joined yet
                continue;
            }
            last = assignment(d);
            int assigned = last.values().stream().mapToInt(List::size).sum();
            if (d.groupState() == GroupState.STABLE
                    && d.members().size() == children.size()
                    && assigned == PARTITIONS) {
                boolean all = true;
                for (Child c : children) {
                    all &= "true".equals(c.report().get("settled"));
                }
                if (all) {
                    return last;
                }
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("group " + group + " did not settle with " + children.size()
                + " members in 3 min; last assignment " + last);
    }

    private static Map<String, List<Integer>> assignment(Admin admin, String group) throws Exception {
        return assignment(
                admin.describeConsumerGroups(List.of(group)).all().get().get(group));
    }

    /** Partitions by member ({@code group.instance.id}, else the member id). */
    private static Map<String, List<Integer>> assignment(ConsumerGroupDescription d) {
        Map<String, List<Integer>> out = new TreeMap<>();
        for (MemberDescription m : d.members()) {
            out.put(
                    m.groupInstanceId().orElse(m.consumerId()),
                    m.assignment().topicPartitions().stream()
                            .map(TopicPartition::partition)
                            .sorted()
                            .toList());
        }
        return out;
    }

    private static String describe(Map<String, List<Integer>> assignment, List<Child> children) {
        return children.stream()
                .map(c -> c.instanceId + " " + assignment.getOrDefault(c.memberId(), List.of()))
                .collect(Collectors.joining(", "));
    }

    /**
     * CPU time the whole machine has spent busy so far ({@code /proc/stat}: all but idle and iowait, 10 ms ticks),
     * or 0 where there is no {@code /proc}: what else ran during a round is this minus the bench's processes.
     */
    static long machineBusyNanos() {
        try {
            String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            long busy = 0;
            for (int i = 1; i < f.length && i <= 7; i++) { // user nice system idle iowait irq softirq
                if (i != 4 && i != 5) { // idle, iowait
                    busy += Long.parseLong(f[i]);
                }
            }
            return busy * 10_000_000L;
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    /** {@code /proc/loadavg}'s 1, 5 and 15 minute figures: other work on the machine during a run. */
    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException | RuntimeException e) {
            return "n/a";
        }
    }

    /** A read_committed reader of every partition of the results topic, positioned at its end before a round. */
    private static final class Reader implements AutoCloseable {
        private final KafkaConsumer<byte[], byte[]> consumer;
        private final List<TopicPartition> partitions;
        long bytes;

        Reader(String bootstrap, String topic) {
            Map<String, Object> c = KafkaClientDefaults.consumer(bootstrap, "unused");
            c.remove(ConsumerConfig.GROUP_ID_CONFIG);
            // the last result's fetch is answered when its transaction's marker moves the stable offset; this
            // only bounds the wait of a fetch that found nothing new
            c.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 100);
            this.consumer = new KafkaConsumer<>(c);
            // a freshly created topic's metadata reaches the broker's answers a moment after the create returns
            List<TopicPartition> found = List.of();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (found.size() < PARTITIONS && System.nanoTime() < deadline) {
                found = consumer.partitionsFor(topic).stream()
                        .map(p -> new TopicPartition(topic, p.partition()))
                        .toList();
                if (found.size() < PARTITIONS) {
                    sleepQuietly(100);
                }
            }
            if (found.size() < PARTITIONS) {
                consumer.close();
                throw new IllegalStateException(topic + " has " + found.size() + " partitions after 30 s");
            }
            this.partitions = found;
            consumer.assign(partitions);
        }

        void toEnd() {
            consumer.seekToEnd(partitions);
            partitions.forEach(consumer::position); // resolve the end now, before the tickets are written
        }

        /**
         * Reads until {@code expected} distinct (batch id, custom id) results arrived; fails on one seen twice.
         *
         * @return when the poll that returned the last of them came back
         */
        long await(int expected, long deadline) {
            Set<String> seen = new HashSet<>(expected * 2);
            long last = 0;
            bytes = 0;
            while (seen.size() < expected) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("saw " + seen.size() + " of " + expected + " results in 10 min");
                }
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(50))) {
                    String key = header(r, BridgeHeaders.BATCH_ID) + "/" + header(r, BridgeHeaders.CUSTOM_ID);
                    if (!seen.add(key)) {
                        throw new IllegalStateException("result " + key + " written twice (exactly once broken)");
                    }
                    bytes += r.value().length;
                }
                last = System.nanoTime();
            }
            return last;
        }

        /** Records arriving within {@code d} after a round was complete: there must be none. */
        int extra(Duration d) {
            int n = 0;
            long until = System.nanoTime() + d.toNanos();
            while (System.nanoTime() < until) {
                n += consumer.poll(Duration.ofMillis(50)).count();
            }
            return n;
        }

        private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
            Header h = r.headers().lastHeader(name);
            return h == null ? "?" : new String(h.value(), UTF_8);
        }

        @Override
        public void close() {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    /** One worker JVM: its process, its command line, its protocol answers and its log file. */
    private static final class Child {
        final String instanceId;
        final Process process;
        final Path log;
        private final Writer commands;
        private final BlockingQueue<String> answers = new LinkedBlockingQueue<>();

        private Child(String instanceId, Process process, Path log) {
            this.instanceId = instanceId;
            this.process = process;
            this.log = log;
            this.commands = new OutputStreamWriter(process.getOutputStream(), UTF_8);
            Thread t = Threads.daemon("scaling-child-" + instanceId, () -> {
                try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), UTF_8))) {
                    String line;
                    while ((line = out.readLine()) != null) {
                        if (line.startsWith(ScalingChild.PREFIX)) {
                            answers.add(
                                    line.substring(ScalingChild.PREFIX.length()).trim());
                        }
                    }
                } catch (IOException e) {
                    // the child is gone; ask() times out and says so
                }
            });
            t.start();
        }

        static Child launch(String bootstrap, String baseUrl, String prefix, String group, String instanceId, Path dir)
                throws IOException {
            Path java = Paths.get(System.getProperty("java.home"), "bin", "java");
            List<String> cmd = new ArrayList<>(List.of(
                    java.toString(),
                    "-DBRIDGE_LOG_LEVEL=INFO",
                    "-cp",
                    System.getProperty("java.class.path"),
                    ScalingChild.class.getName(),
                    bootstrap,
                    baseUrl,
                    prefix,
                    group,
                    instanceId));
            BenchEnv.propertiesWithPrefix("bench.worker.")
                    .forEach((k, v) -> cmd.add(1, "-Dbench.worker." + k + "=" + v));
            String jvmOptions = System.getProperty("bench.scaling.jvm", "").trim();
            if (!jvmOptions.isEmpty()) {
                cmd.addAll(1, List.of(jvmOptions.split("\\s+")));
            }
            Path log = dir.resolve(instanceId + ".log");
            Process p = new ProcessBuilder(cmd)
                    .redirectError(log.toFile())
                    .redirectInput(ProcessBuilder.Redirect.PIPE)
                    .start();
            return new Child(instanceId, p, log);
        }

        /** The consumer group member id of this instance (static membership). */
        String memberId() {
            return io.batchbridge.common.kafka.GroupMembership.memberId("worker", instanceId);
        }

        long cpuNanos() {
            return BenchEnv.processCpuNanos(process.pid());
        }

        String expect(String prefix, Duration timeout) throws InterruptedException {
            String a = answers.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (a == null || !a.startsWith(prefix)) {
                throw new IllegalStateException(instanceId + " answered " + a + " instead of " + prefix
                        + (process.isAlive() ? "" : " (exited " + process.exitValue() + ")") + "; log " + log
                        + ":\n" + tail());
            }
            return a;
        }

        String ask(String command, String prefix) throws InterruptedException {
            send(command);
            return expect(prefix, Duration.ofSeconds(30));
        }

        Map<String, String> report() throws InterruptedException {
            String a = ask("report", "settled=");
            Map<String, String> out = new TreeMap<>();
            int threads = a.indexOf(" threads=");
            for (String kv : a.substring(0, threads).split(" ")) {
                out.put(kv.substring(0, kv.indexOf('=')), kv.substring(kv.indexOf('=') + 1));
            }
            out.put("threads", a.substring(threads + " threads=".length()));
            return out;
        }

        private void send(String command) {
            try {
                commands.write(command + "\n");
                commands.flush();
            } catch (IOException e) {
                throw new UncheckedIOException(instanceId + " is gone; log " + log + ":\n" + tail(), e);
            }
        }

        static boolean isRebalance(String line) {
            return line.contains(" - assigned [") || line.contains(" - revoked [");
        }

        /** Warnings, errors and work redone (resumed from a checkpoint, already fanned out, stopped). */
        static boolean isNotable(String line) {
            return line.contains(" WARN ")
                    || line.contains(" ERROR ")
                    || line.contains("resumes from its checkpoint")
                    || line.contains("already fanned out")
                    || line.contains("fan-out stopped");
        }

        /** A log line without its time, ids, numbers and topic names: what kind of thing happened. */
        static String kind(String line) {
            String k = line.replaceFirst("^[0-9:.]+\\s+", "");
            int error = k.indexOf("Error: ");
            if (error >= 0) {
                k = k.substring(0, k.indexOf(" - ") + 3) + k.substring(error);
            }
            k = k.replaceAll("\\[(Consumer|Producer) [^]]*] ", "")
                    .replaceAll("msgbatch_\\w+", "<batch>")
                    .replaceAll("bench-scale\\w+-\\w+\\.", "")
                    .replaceAll("\\d+", "N");
            return k.length() > 160 ? k.substring(0, 160) + "…" : k;
        }

        List<String> lines() {
            try {
                return Files.readAllLines(log, UTF_8);
            } catch (IOException e) {
                return List.of();
            }
        }

        private String tail() {
            List<String> l = lines();
            return String.join("\n", l.subList(Math.max(0, l.size() - 30), l.size()));
        }

        /** Asks the worker to close as on SIGTERM; kills the JVM if it has not exited 40 s later. */
        void stop() {
            try {
                if (process.isAlive()) {
                    send("stop");
                    if (!process.waitFor(40, TimeUnit.SECONDS)) {
                        Bench.log("  %s did not stop within 40 s; killing it", instanceId);
                    }
                }
            } catch (RuntimeException e) {
                Bench.log("  %s: stop failed: %s", instanceId, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                process.destroyForcibly();
            }
        }
    }
}
