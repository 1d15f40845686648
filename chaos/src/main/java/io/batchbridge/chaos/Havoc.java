package io.batchbridge.chaos;

import io.batchbridge.common.kafka.GroupMembership;
import io.batchbridge.common.kafka.KafkaClientDefaults;
import io.batchbridge.common.topics.TopicNames;
import io.batchbridge.kafka.embedded.ChildProcessKafkaCluster;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The seeded fault schedule of a chaos run, four kinds at once, each on its own thread:
 *
 * <ul>
 *   <li>SIGKILLs of a random submitter or worker, restarted under the same instance id after a short pause;
 *   <li>zombies: a role instance frozen (SIGSTOP) past the consumer's default session timeout, so the group
 *       expels it and hands its partitions to the others, then thawed (SIGCONT) to find out it was expelled;
 *   <li>brokers: the broker leading the most request and batch partitions SIGKILLed and kept down until the
 *       other two have made progress (committed pipeline records while it is down), then restarted; and random
 *       brokers SIGKILLed and restarted at once. One broker down at a time: with min ISR 2 the other two take
 *       {@code acks=all} writes;
 *   <li>rolling restarts: every role instance in turn SIGTERMed (it drains), started again under its id, and
 *       awaited ready before the next.
 * </ul>
 *
 * A role instance is worked on by one fault at a time ({@link RoleInstance#lock}): a frozen zombie is not
 * SIGKILLed, and a rolling restart waits for it to be thawed. Every wait is a fail-safe against a hung run,
 * generous for a loaded 2-core machine, never a requirement on speed.
 */
final class Havoc {
    private static final Logger log = LoggerFactory.getLogger(Havoc.class);

    /** A role is given this long to drain on SIGTERM before it is SIGKILLed (its own drain bound is 30 + 15 s). */
    private static final long TERM_WAIT_MS = 90_000;
    /** Fail-safe for a restarted or thawed instance to report ready. */
    private static final Duration READY_MAX = Duration.ofMinutes(4);
    /** Fail-safe: a zombie stays frozen past its freeze time until its group has expelled it, at most this long. */
    private static final Duration EXPEL_MAX = Duration.ofMinutes(2);
    /** A killed leader stays down at least this long, and until the other brokers made progress. */
    private static final Duration LEADER_DOWN_MIN = Duration.ofSeconds(30);
    /** Fail-safe: the leader comes back after this long even without progress (which then fails the run). */
    private static final Duration LEADER_DOWN_MAX = Duration.ofMinutes(4);

    /** What was done. */
    record Done(
            int kills,
            int brokerRestarts,
            int zombies,
            int zombiesExpelled,
            int zombiesRejoined,
            int zombiesStoppedFenced,
            int leaderKills,
            int leaderKillsWithProgress,
            int rollingRestarts,
            int readyTimeouts,
            List<String> notes) {}

    private final ChaosSettings s;
    private final String apiUrl;
    private final Random random;
    private final ChildProcessKafkaCluster cluster;
    private final Admin admin;
    private final TopicNames topics;
    private final List<RoleInstance> submitters;
    private final List<RoleInstance> workers;

    private final AtomicInteger kills = new AtomicInteger();
    private final AtomicInteger brokerRestarts = new AtomicInteger();
    private final AtomicInteger zombies = new AtomicInteger();
    private final AtomicInteger zombiesExpelled = new AtomicInteger();
    private final AtomicInteger zombiesRejoined = new AtomicInteger();
    private final AtomicInteger zombiesStoppedFenced = new AtomicInteger();
    private final AtomicInteger leaderKills = new AtomicInteger();
    private final AtomicInteger leaderKillsWithProgress = new AtomicInteger();
    private final AtomicInteger rollingRestarts = new AtomicInteger();
    private final AtomicInteger readyTimeouts = new AtomicInteger();
    private final List<String> notes = new CopyOnWriteArrayList<>();
    private final List<Throwable> failures = new CopyOnWriteArrayList<>();
    private long start;

    Havoc(
            ChaosSettings s,
            String apiUrl,
            Random random,
            ChildProcessKafkaCluster cluster,
            Admin admin,
            TopicNames topics,
            List<RoleInstance> submitters,
            List<RoleInstance> workers) {
        this.s = s;
        this.apiUrl = apiUrl;
        this.random = random;
        this.cluster = cluster;
        this.admin = admin;
        this.topics = topics;
        this.submitters = submitters;
        this.workers = workers;
    }

    /** Runs every fault thread to its end; throws the first failure of any. */
    Done run() throws InterruptedException {
        start = System.nanoTime();
        List<Thread> threads = List.of(
                thread("chaos-kills", this::kills, new Random(random.nextLong())),
                thread("chaos-zombies", this::zombies, new Random(random.nextLong())),
                thread("chaos-brokers", this::brokers, new Random(random.nextLong())),
                thread("chaos-rolling", this::rolling, new Random(random.nextLong())));
        threads.forEach(Thread::start);
        for (Thread t : threads) {
            t.join();
        }
        if (!failures.isEmpty()) {
            IllegalStateException e = new IllegalStateException("a fault thread failed", failures.get(0));
            failures.stream().skip(1).forEach(e::addSuppressed);
            throw e;
        }
        return new Done(
                kills.get(),
                brokerRestarts.get(),
                zombies.get(),
                zombiesExpelled.get(),
                zombiesRejoined.get(),
                zombiesStoppedFenced.get(),
                leaderKills.get(),
                leaderKillsWithProgress.get(),
                rollingRestarts.get(),
                readyTimeouts.get(),
                List.copyOf(notes));
    }

    private interface Schedule {
        void run(Random random) throws Exception;
    }

    private Thread thread(String name, Schedule schedule, Random r) {
        return new Thread(
                () -> {
                    try {
                        schedule.run(r);
                    } catch (Throwable e) {
                        log.error("chaos: {} failed", name, e);
                        failures.add(e);
                    }
                },
                name);
    }

    private long windowMs() {
        return s.window().toMillis();
    }

    /** Sleeps until {@code atMs} after the start of the schedule (at once if that has passed). */
    private void at(long atMs) throws InterruptedException {
        long wait = atMs - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        if (wait > 0) {
            TimeUnit.MILLISECONDS.sleep(wait);
        }
    }

    private void note(String format, Object... args) {
        String line = String.format("t=%ds ", TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start))
                + String.format(format, args);
        log.info("chaos: {}", line);
        notes.add(line);
    }

    // ---- SIGKILLs of role instances

    private void kills(Random r) throws InterruptedException {
        List<long[]> events = new ArrayList<>(); // {at ms, 0 submitter | 1 worker}
        for (int k = 0; k < s.killsPerRole(); k++) {
            events.add(new long[] {3_000 + (long) (r.nextDouble() * windowMs()), 0});
            events.add(new long[] {3_000 + (long) (r.nextDouble() * windowMs()), 1});
        }
        events.sort((a, b) -> Long.compare(a[0], b[0]));
        for (long[] e : events) {
            at(e[0]);
            RoleInstance victim = lockAny(e[1] == 0 ? submitters : workers, r);
            try {
                long pause = 200 + r.nextInt(1500);
                note("SIGKILL %s (restarted under its id after %d ms)", victim, pause);
                victim.process.killAndRestart(pause);
                kills.incrementAndGet();
            } finally {
                victim.lock.unlock();
            }
        }
    }

    /** Locks a random instance of {@code role} that no other fault is working on, waiting while all are busy. */
    private static RoleInstance lockAny(List<RoleInstance> role, Random r) throws InterruptedException {
        while (true) {
            List<RoleInstance> order = new ArrayList<>(role);
            Collections.shuffle(order, r);
            for (RoleInstance i : order) {
                if (i.lock.tryLock()) {
                    return i;
                }
            }
            TimeUnit.SECONDS.sleep(1);
        }
    }

    // ---- zombies

    private void zombies(Random r) throws InterruptedException {
        boolean workerFirst = r.nextBoolean();
        long spacing = s.zombies() == 0 ? 0 : windowMs() / s.zombies();
        for (int k = 0; k < s.zombies(); k++) {
            at(5_000 + k * spacing + (long) (r.nextDouble() * Math.min(10_000, spacing / 4)));
            boolean worker = (k % 2 == 0) == workerFirst && !Boolean.getBoolean("chaos.zombie.mid.create");
            RoleInstance z = lockAny(worker ? workers : submitters, r);
            try {
                long freeze = s.zombieFreeze().toMillis() + r.nextInt(5_000);
                int startsBefore = z.process.starts();
                boolean midCreate = !worker && Boolean.getBoolean("chaos.zombie.mid.create");
                if (midCreate) {
                    // Reproduction aid (off by default): every create answers after 4 s for a moment, so the
                    // zombie is most likely frozen with a create in flight, answered when it is thawed.
                    emulatorFaults("create:slow@4s=1.0", true);
                    TimeUnit.SECONDS.sleep(2);
                }
                note(
                        "SIGSTOP %s: frozen for %d ms, past the consumer's session timeout%s",
                        z, freeze, midCreate ? " (creates slowed to 4 s: likely one in flight)" : "");
                z.process.freeze();
                if (midCreate) {
                    TimeUnit.SECONDS.sleep(1);
                    emulatorFaults(s.faults(), false);
                }
                zombies.incrementAndGet();
                TimeUnit.MILLISECONDS.sleep(freeze);
                // Frozen until the coordinator has expelled it (the session timeout is the broker's to enforce).
                long expelDeadline = System.nanoTime() + EXPEL_MAX.toNanos();
                boolean expelled;
                while (!(expelled = member(z).absent()) && System.nanoTime() < expelDeadline) {
                    TimeUnit.SECONDS.sleep(2);
                }
                if (expelled) {
                    zombiesExpelled.incrementAndGet();
                }
                z.process.thaw();
                note("SIGCONT %s: thawed (expelled from its group meanwhile: %s)", z, expelled);
                // Rejoined: the same process is a member again with partitions, and reports ready.
                long deadline = System.nanoTime() + READY_MAX.toNanos();
                boolean rejoined = false;
                boolean restarted = false;
                while (!rejoined && !restarted && System.nanoTime() < deadline) {
                    TimeUnit.SECONDS.sleep(2);
                    restarted = z.process.starts() != startsBefore || !z.process.alive();
                    rejoined = !restarted && !member(z).partitions().isEmpty() && z.ready();
                }
                if (rejoined) {
                    zombiesRejoined.incrementAndGet();
                    note(
                            "%s rejoined its group after its thaw, with partitions %s",
                            z, member(z).partitions());
                } else if (restarted && stoppedAsFenced(z.process.log(startsBefore))) {
                    // No twin was running: the harness never starts an instance while its zombie lives.
                    zombiesStoppedFenced.incrementAndGet();
                    note(
                            "%s STOPPED after its thaw, saying another live instance has its id — none had (see %s)",
                            z, z.process.log(startsBefore).getFileName());
                } else {
                    note(
                            "%s did not rejoin within %s of its thaw: alive=%s, restarted=%s (see %s)",
                            z,
                            READY_MAX,
                            z.process.alive(),
                            restarted,
                            z.process.log(startsBefore).getFileName());
                }
            } finally {
                z.lock.unlock();
            }
        }
    }

    /** Replaces (or adds to) the emulator's fault configuration. */
    private void emulatorFaults(String spec, boolean add) throws InterruptedException {
        try {
            HttpResponse<String> r = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create(apiUrl + "/_emulator/faults" + (add ? "?mode=add" : "")))
                                    .POST(HttpRequest.BodyPublishers.ofString(spec))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() / 100 != 2) {
                throw new IllegalStateException("emulator refused faults " + spec + ": " + r.body());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot set the emulator's faults", e);
        }
    }

    /** Whether a role's log ends with the sentence it stops with when fenced by another instance of its id. */
    private static boolean stoppedAsFenced(Path log) throws InterruptedException {
        for (int i = 0; i < 30; i++) { // the exit may be a moment ahead of the last line on disk
            try {
                if (Files.readString(log, StandardCharsets.UTF_8).contains("is in use by another live instance")) {
                    return true;
                }
            } catch (IOException e) {
                return false;
            }
            TimeUnit.SECONDS.sleep(1);
        }
        return false;
    }

    /** What the group coordinator says of a static member: whether it knows, whether listed, its partitions. */
    private record Member(boolean known, boolean present, Set<TopicPartition> partitions) {
        boolean absent() {
            return known && !present;
        }
    }

    /** The instance's static member in its group, as the group coordinator describes it now. */
    private Member member(RoleInstance i) {
        String group = "bridge-" + i.role;
        String id = GroupMembership.memberId(i.role, i.instanceId);
        try {
            ConsumerGroupDescription d = admin.describeConsumerGroups(List.of(group))
                    .all()
                    .get(60, TimeUnit.SECONDS)
                    .get(group);
            return d.members().stream()
                    .filter(m -> m.groupInstanceId().filter(id::equals).isPresent())
                    .findFirst()
                    .map(m -> new Member(true, true, m.assignment().topicPartitions()))
                    .orElse(new Member(true, false, Set.of()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException | TimeoutException e) {
            log.debug("describe group {}", group, e);
            return new Member(false, false, Set.of());
        }
    }

    // ---- brokers

    private void brokers(Random r) throws Exception {
        List<long[]> events = new ArrayList<>(); // {at ms, 0 leader kill | 1 random broker restart}
        for (int k = 0; k < s.leaderKills(); k++) {
            long slot = windowMs() / Math.max(1, s.leaderKills());
            events.add(new long[] {10_000 + k * slot + (long) (r.nextDouble() * slot * 0.2), 0});
        }
        for (int k = 0; k < s.brokerRestarts(); k++) {
            events.add(new long[] {20_000 + (long) (r.nextDouble() * windowMs() * 0.8), 1});
        }
        events.sort((a, b) -> Long.compare(a[0], b[0]));
        for (long[] e : events) {
            at(e[0]);
            if (e[1] == 0) {
                killLeader();
            } else {
                int node = 1 + r.nextInt(cluster.size());
                note("SIGKILL broker %d and restart it", node);
                cluster.kill(node);
                TimeUnit.MILLISECONDS.sleep(500 + r.nextInt(2_000));
                cluster.start(node);
                awaitFullIsr(node);
                brokerRestarts.incrementAndGet();
            }
        }
    }

    private void killLeader() throws Exception {
        List<String> busy = new ArrayList<>(topics.requests());
        busy.add(topics.batches());
        Map<Integer, Integer> led = leadCounts(busy);
        int leader = -1;
        for (Map.Entry<Integer, Integer> e : led.entrySet()) { // ascending ids: a tie goes to the lowest
            if (leader < 0 || e.getValue() > led.get(leader)) {
                leader = e.getKey();
            }
        }
        if (leader < 0) {
            throw new IllegalStateException("no partition of " + busy + " has a leader");
        }
        note("SIGKILL broker %d, leader of the most request and batch partitions (leaders: %s)", leader, led);
        long killedAt = System.nanoTime();
        cluster.kill(leader);
        leaderKills.incrementAndGet();
        try (KafkaConsumer<byte[], byte[]> tail = committedTail()) {
            // Progress is what the other two brokers commit once leadership has moved off the dead one.
            awaitLeadersMovedOff(leader, busy);
            long baseline = positions(tail);
            long progressed = 0;
            while (System.nanoTime() - killedAt < LEADER_DOWN_MAX.toNanos()) {
                progressed += tail.poll(Duration.ofSeconds(1)).count();
                if (progressed > 0 && System.nanoTime() - killedAt >= LEADER_DOWN_MIN.toNanos()) {
                    break;
                }
            }
            long downS = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - killedAt);
            if (progressed > 0) {
                leaderKillsWithProgress.incrementAndGet();
                note(
                        "broker %d down %d s: %d records committed to the batches, results, retry and dead-letter"
                                + " topics meanwhile (positions from %d)",
                        leader, downS, progressed, baseline);
            } else {
                note("broker %d down %d s: NO progress on the other brokers meanwhile", leader, downS);
            }
        }
        cluster.start(leader);
        awaitFullIsr(leader);
    }

    /**
     * Waits until the restarted broker has caught up (every replica of every pipeline and internal topic in
     * sync again), so the next broker fault never leaves a partition below min ISR: one broker down at a time.
     */
    private void awaitFullIsr(int node) throws InterruptedException {
        List<String> names = new ArrayList<>(
                topics.specs(1, (short) 1).stream().map(t -> t.name()).toList());
        names.addAll(List.of("__consumer_offsets", "__transaction_state"));
        long t0 = System.nanoTime();
        long deadline = t0 + TimeUnit.MINUTES.toNanos(3);
        while (System.nanoTime() < deadline) {
            try {
                names.retainAll(admin.listTopics(new ListTopicsOptions().listInternal(true))
                        .names()
                        .get(60, TimeUnit.SECONDS));
                long behind = admin.describeTopics(names).allTopicNames().get(60, TimeUnit.SECONDS).values().stream()
                        .flatMap(d -> d.partitions().stream())
                        .filter(p -> p.isr().size() < p.replicas().size())
                        .count();
                if (behind == 0) {
                    note(
                            "broker %d is back, every replica in sync after %d s",
                            node, TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - t0));
                    return;
                }
            } catch (Exception e) {
                log.debug("describe while broker {} catches up", node, e);
            }
            TimeUnit.SECONDS.sleep(1);
        }
        note("broker %d is back, but not every replica in sync after 3 min; going on", node);
    }

    /** How many partitions of {@code names} each broker leads now. */
    private Map<Integer, Integer> leadCounts(List<String> names) throws Exception {
        Map<Integer, Integer> led = new TreeMap<>();
        for (TopicDescription d : admin.describeTopics(names)
                .allTopicNames()
                .get(60, TimeUnit.SECONDS)
                .values()) {
            for (TopicPartitionInfo p : d.partitions()) {
                Node leader = p.leader();
                if (leader != null) {
                    led.merge(leader.id(), 1, Integer::sum);
                }
            }
        }
        return led;
    }

    private void awaitLeadersMovedOff(int dead, List<String> names) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        while (System.nanoTime() < deadline) {
            try {
                if (!leadCounts(names).containsKey(dead)) {
                    note("leadership moved off broker %d", dead);
                    return;
                }
            } catch (Exception e) {
                log.debug("describe while a broker is down", e);
            }
            TimeUnit.SECONDS.sleep(1);
        }
        note("leadership still on broker %d after 2 min", dead);
    }

    /** A read_committed reader at the end of the pipeline's output topics: it sees what is committed from now. */
    private KafkaConsumer<byte[], byte[]> committedTail() {
        Map<String, Object> c = KafkaClientDefaults.consumer(cluster.bootstrapServers(), "unused");
        c.remove(ConsumerConfig.GROUP_ID_CONFIG);
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(c);
        List<TopicPartition> tps = new ArrayList<>();
        for (String t : List.of(topics.batches(), topics.results(), topics.retry(), topics.dlq())) {
            consumer.partitionsFor(t, Duration.ofSeconds(60))
                    .forEach(pi -> tps.add(new TopicPartition(pi.topic(), pi.partition())));
        }
        consumer.assign(tps);
        consumer.seekToEnd(tps);
        return consumer;
    }

    private static long positions(KafkaConsumer<byte[], byte[]> c) {
        long sum = 0;
        for (TopicPartition tp : c.assignment()) {
            sum += c.position(tp, Duration.ofSeconds(60));
        }
        return sum;
    }

    // ---- rolling restarts

    private void rolling(Random r) throws InterruptedException {
        List<RoleInstance> all = new ArrayList<>(submitters);
        all.addAll(workers);
        for (int k = 0; k < s.rollingRestarts(); k++) {
            long slot = windowMs() / Math.max(1, s.rollingRestarts());
            at((long) (windowMs() * 0.3) + k * slot + (long) (r.nextDouble() * slot * 0.1));
            note("rolling restart %d of %d: every role instance in turn", k + 1, s.rollingRestarts());
            for (RoleInstance i : all) {
                i.lock.lockInterruptibly(); // a zombie is thawed first
                try {
                    note("SIGTERM %s (rolling restart)", i);
                    boolean clean = i.process.terminateAndRestart(TERM_WAIT_MS);
                    if (!clean) {
                        note("%s did not exit within %d ms of SIGTERM; SIGKILLed it", i, TERM_WAIT_MS);
                    }
                    if (i.awaitReady(READY_MAX)) {
                        note("%s restarted and ready", i);
                    } else {
                        readyTimeouts.incrementAndGet();
                        note("%s not ready %s after its restart; going on (see its log)", i, READY_MAX);
                    }
                } finally {
                    i.lock.unlock();
                }
            }
            rollingRestarts.incrementAndGet();
        }
    }
}
