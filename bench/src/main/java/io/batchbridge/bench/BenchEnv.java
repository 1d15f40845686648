package io.batchbridge.bench;

import io.batchbridge.client.ApiAccount;
import io.batchbridge.client.BatchesClient;
import io.batchbridge.client.ClientSettings;
import io.batchbridge.client.MessageBatch;
import io.batchbridge.common.config.CommonKeys;
import io.batchbridge.common.kafka.KafkaClientDefaults;
import io.batchbridge.common.records.Coordinates;
import io.batchbridge.common.records.Ticket;
import io.batchbridge.common.records.TicketCodec;
import io.batchbridge.common.records.TicketItem;
import io.batchbridge.common.topics.TopicNames;
import io.batchbridge.common.topics.TopicProvisioner;
import io.batchbridge.kafka.embedded.ChildProcessKafka;
import io.batchbridge.kafka.embedded.EmbeddedKafka;
import io.batchbridge.kafka.embedded.KafkaCluster;
import io.batchbridge.submitter.SubmitterApp;
import io.batchbridge.submitter.SubmitterConfig;
import io.batchbridge.worker.WorkerApp;
import io.batchbridge.worker.WorkerConfig;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The one embedded broker every benchmark of a run shares, and helpers to set up topics, tickets and roles.
 *
 * <p>The broker runs in a JVM of its own ({@link ChildProcessKafka}, the same Kafka jars), as it would next to a
 * real deployment: in the bench's JVM its JIT compilations (1,000+ methods per intake round, still after seven
 * rounds), its garbage and its threads were counted as the measured side's and made runs 2-4x apart.
 * {@code -Dbench.broker=in-process} puts it back in the bench's JVM.
 */
final class BenchEnv implements AutoCloseable {
    static final String MODEL = "claude-sonnet-4-6";
    static final String BETA_300K = "output-300k-2026-03-24";

    private final KafkaCluster kafka;
    private final AtomicInteger seq = new AtomicInteger();

    BenchEnv() {
        if ("in-process".equals(System.getProperty("bench.broker"))) {
            this.kafka = EmbeddedKafka.startDefault();
        } else {
            ChildProcessKafka child = ChildProcessKafka.create(Map.of()).start();
            brokerPid = child.pid();
            this.kafka = child;
        }
    }

    /** The broker's process, when it runs in a JVM of its own; its CPU counts in {@link #cpuNanos}. */
    private static volatile long brokerPid = -1;

    /**
     * CPU time so far of this JVM plus the broker's JVM (from {@code /proc/<pid>/stat}, 10 ms ticks): everything a
     * benchmark keeps busy on this machine except the memory benchmark's child.
     */
    static long cpuNanos() {
        long own = ((com.sun.management.OperatingSystemMXBean)
                        java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
        return own + processCpuNanos(brokerPid);
    }

    /** CPU time so far of the broker's JVM, or 0 when it runs in this one. */
    static long brokerCpuNanos() {
        return processCpuNanos(brokerPid);
    }

    /** utime + stime of a process, or 0 when it is not there (or this is not Linux). */
    static long processCpuNanos(long pid) {
        if (pid <= 0) {
            return 0;
        }
        try {
            String stat = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/" + pid + "/stat"));
            // fields after the command name (which may hold spaces) in parentheses: state is field 3
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime (14), stime (15)
            return ticks * 10_000_000L; // USER_HZ is 100 on Linux
        } catch (java.io.IOException | RuntimeException e) {
            return 0;
        }
    }

    /**
     * Reads {@code topic} from its beginning with a plain {@code read_committed} consumer (no group), handing every
     * record to {@code each}, until {@code done} or {@code limit} has passed.
     *
     * @param settings consumer settings on top of the defaults
     */
    void readFromStart(
            String topic,
            Map<String, Object> settings,
            java.time.Duration poll,
            java.time.Duration limit,
            java.util.function.BooleanSupplier done,
            java.util.function.Consumer<org.apache.kafka.clients.consumer.ConsumerRecord<byte[], byte[]>> each) {
        Map<String, Object> cc = KafkaClientDefaults.consumer(bootstrap(), "unused");
        cc.remove("group.id");
        cc.putAll(settings);
        try (org.apache.kafka.clients.consumer.KafkaConsumer<byte[], byte[]> consumer =
                new org.apache.kafka.clients.consumer.KafkaConsumer<>(cc)) {
            List<org.apache.kafka.common.TopicPartition> tps = consumer.partitionsFor(topic).stream()
                    .map(p -> new org.apache.kafka.common.TopicPartition(p.topic(), p.partition()))
                    .toList();
            consumer.assign(tps);
            consumer.seekToBeginning(tps);
            long deadline = System.nanoTime() + limit.toNanos();
            while (!done.getAsBoolean() && System.nanoTime() < deadline) {
                consumer.poll(poll).forEach(each);
            }
        }
    }

    String bootstrap() {
        return kafka.bootstrapServers();
    }

    /** A fresh, provisioned set of product topics (results topic with the product's large-record settings). */
    TopicNames topics(String name, int partitions) {
        TopicNames t = TopicNames.withPrefix("bench" + seq.incrementAndGet() + "-" + name + ".");
        provision(bootstrap(), t, partitions);
        return t;
    }

    static void provision(String bootstrap, TopicNames t, int partitions) {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            new TopicProvisioner(admin).provision(t.specs(partitions, (short) 1), false);
        }
    }

    /** A client with bench-friendly retries and a rate limit that never binds. */
    static BatchesClient client(String baseUrl, MeterRegistry registry, int maxConcurrent) {
        return new BatchesClient(
                ApiAccount.of("default", URI.create(baseUrl), "bench-key", 1_000_000),
                ClientSettings.defaults()
                        .with(Map.of(
                                "bridge.api.max.retries", "2",
                                "bridge.api.retry.initial.backoff.ms", "50",
                                "bridge.api.breaker.minimum.calls", "10000",
                                "bridge.api.max.concurrent.calls", String.valueOf(maxConcurrent))),
                registry,
                Clock.systemUTC());
    }

    static String params(int maxTokens, String directive) {
        return "{\"model\":\"" + MODEL + "\",\"max_tokens\":" + maxTokens
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"hello " + directive + "\"}]}";
    }

    /** Ticket items for a batch whose custom ids encode offsets 0..n-1 of the request topic (never re-read). */
    static List<TicketItem> items(TopicNames t, int n) {
        List<TicketItem> items = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            items.add(new TicketItem(
                    TicketItem.batchCustomId(0, 0, i),
                    "user-" + i,
                    null,
                    1,
                    null,
                    new Coordinates(t.requests().get(0), 0, i)));
        }
        return items;
    }

    /** Writes the tickets of these batches transactionally, as the submitter would, all on partition 0. */
    static void writeTickets(
            String bootstrap,
            TopicNames t,
            List<MessageBatch> batches,
            List<List<TicketItem>> items,
            List<String> betas) {
        writeTickets(bootstrap, t, batches, items, betas, b -> 0);
    }

    /**
     * Writes the tickets of these batches in one transaction, batch {@code b}'s on partition {@code partitionOf(b)}
     * of the batches topic; returns once it is committed (the tickets are visible to read_committed consumers).
     */
    static void writeTickets(
            String bootstrap,
            TopicNames t,
            List<MessageBatch> batches,
            List<List<TicketItem>> items,
            List<String> betas,
            java.util.function.IntUnaryOperator partitionOf) {
        try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(
                KafkaClientDefaults.transactionalProducer(bootstrap, "bench-tickets-" + UUID.randomUUID()))) {
            p.initTransactions();
            p.beginTransaction();
            for (int b = 0; b < batches.size(); b++) {
                MessageBatch batch = batches.get(b);
                List<TicketItem> its = items.get(b);
                int per = 2000;
                int parts = Math.max(1, (its.size() + per - 1) / per);
                for (int part = 0; part < parts; part++) {
                    List<TicketItem> slice = its.subList(part * per, Math.min(its.size(), (part + 1) * per));
                    Ticket ticket = new Ticket(
                            batch.id(),
                            "default",
                            betas,
                            batch.createdAt(),
                            batch.expiresAt(),
                            its.size(),
                            part,
                            parts,
                            List.of(t.requests().get(0)),
                            slice);
                    p.send(new ProducerRecord<>(
                            t.batches(),
                            partitionOf.applyAsInt(b),
                            batch.id().getBytes(StandardCharsets.UTF_8),
                            TicketCodec.write(ticket)));
                }
            }
            p.commitTransaction();
        }
    }

    /** Settings to try from system properties {@code -D<prefix><key>=<value>}, keyed without the prefix. */
    static Map<String, String> propertiesWithPrefix(String prefix) {
        Map<String, String> o = new java.util.TreeMap<>();
        System.getProperties().stringPropertyNames().stream()
                .filter(k -> k.startsWith(prefix))
                .forEach(k -> o.put(k.substring(prefix.length()), System.getProperty(k)));
        return o;
    }

    /** Worker configuration on these topics; bench overrides on top. */
    static Map<String, String> workerConfig(String bootstrap, TopicNames t, Map<String, String> overrides) {
        Map<String, String> c = roleConfig(bootstrap, t, WorkerConfig.GROUP_ID, WorkerConfig.INSTANCE_ID);
        c.put(WorkerConfig.POLL_INITIAL_MS, "100");
        c.put(WorkerConfig.POLL_MAX_MS, "500");
        c.putAll(overrides);
        return c;
    }

    /** Submitter configuration on these topics; bench overrides on top. */
    static Map<String, String> submitterConfig(String bootstrap, TopicNames t, Map<String, String> overrides) {
        Map<String, String> c = roleConfig(bootstrap, t, SubmitterConfig.GROUP_ID, SubmitterConfig.INSTANCE_ID);
        c.putAll(overrides);
        return c;
    }

    /** A role of its own on these topics: a fresh group and instance id. */
    private static Map<String, String> roleConfig(String bootstrap, TopicNames t, String groupKey, String idKey) {
        Map<String, String> c = new HashMap<>();
        c.put("kafka.bootstrap.servers", bootstrap);
        c.putAll(CommonKeys.topicSettings(t));
        c.put(groupKey, "bench-" + UUID.randomUUID());
        c.put(idKey, "bench-" + UUID.randomUUID().toString().substring(0, 8));
        return c;
    }

    static WorkerApp worker(Map<String, String> config, BatchesClient client, MeterRegistry registry) {
        return new WorkerApp(new WorkerConfig(config), account -> client, registry, Clock.systemUTC()).start();
    }

    static SubmitterApp submitter(Map<String, String> config, BatchesClient client, MeterRegistry registry) {
        return new SubmitterApp(
                        new SubmitterConfig(config), account -> client, Set.of("default"), registry, Clock.systemUTC())
                .start();
    }

    @Override
    public void close() {
        kafka.close();
    }
}
