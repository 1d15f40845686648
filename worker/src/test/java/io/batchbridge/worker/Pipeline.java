package io.batchbridge.worker;

import io.batchbridge.client.ApiAccount;
import io.batchbridge.client.BatchesClient;
import io.batchbridge.client.ClientSettings;
import io.batchbridge.client.CreateBody;
import io.batchbridge.client.MessageBatch;
import io.batchbridge.common.config.CommonKeys;
import io.batchbridge.common.kafka.KafkaClientDefaults;
import io.batchbridge.common.model.ModelCatalogue;
import io.batchbridge.common.records.Coordinates;
import io.batchbridge.common.records.Ticket;
import io.batchbridge.common.records.TicketCodec;
import io.batchbridge.common.records.TicketItem;
import io.batchbridge.common.topics.TopicNames;
import io.batchbridge.common.topics.TopicProvisioner;
import io.batchbridge.emulator.Emulator;
import io.batchbridge.kafka.embedded.KafkaCluster;
import io.batchbridge.kafka.embedded.KafkaClusterExtension;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * A test pipeline: unique topics on the shared broker, an emulator, and a stand-in for the submitter that
 * publishes requests, creates real batches on the emulator and writes their tickets transactionally.
 */
final class Pipeline implements AutoCloseable {
    static final String MODEL = "claude-sonnet-4-6";

    final KafkaCluster cluster;
    final TopicNames topics;
    final Emulator emulator;
    final BatchesClient client;
    final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    final String instanceId = "it-" + UUID.randomUUID().toString().substring(0, 8);
    final String groupId = "g-" + UUID.randomUUID().toString().substring(0, 8);
    private final KafkaProducer<byte[], byte[]> requests;
    private final KafkaProducer<byte[], byte[]> tickets;
    private final List<WorkerApp> workers = new ArrayList<>();

    Pipeline(KafkaCluster cluster, Emulator emulator, int partitions) {
        this.cluster = cluster;
        this.emulator = emulator;
        this.topics = TopicNames.withPrefix(KafkaClusterExtension.uniqueTopic("w") + ".");
        try (Admin admin =
                Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers()))) {
            new TopicProvisioner(admin).provision(topics.specs(partitions, (short) 1), false);
        }
        this.client = new BatchesClient(
                ApiAccount.of("default", URI.create(emulator.baseUrl()), "test-key", 100_000),
                ClientSettings.defaults()
                        .with(Map.of(
                                "bridge.api.max.retries", "1",
                                "bridge.api.retry.initial.backoff.ms", "50",
                                "bridge.api.breaker.minimum.calls", "10000",
                                "bridge.api.max.concurrent.calls", "64")),
                registry,
                Clock.systemUTC());
        this.requests = new KafkaProducer<>(KafkaClientDefaults.producer(cluster.bootstrapServers()));
        this.tickets = new KafkaProducer<>(KafkaClientDefaults.transactionalProducer(
                cluster.bootstrapServers(), "it-submitter-" + UUID.randomUUID()));
        tickets.initTransactions();
    }

    static String request(String customId, int maxTokens, String directive) {
        return "{\"custom_id\":\"" + customId + "\",\"params\":{\"model\":\"" + MODEL + "\",\"max_tokens\":" + maxTokens
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"hello " + directive + "\"}]},"
                + "\"metadata\":{\"n\":\"" + customId + "\"}}";
    }

    static String params(String envelope) {
        int start = envelope.indexOf("{\"model\"");
        int end = envelope.indexOf("]}", start) + 2;
        return envelope.substring(start, end);
    }

    /** A published request with its coordinates. */
    record Published(String customId, Coordinates at, String envelope, int attempt, String replyTo) {
        Published withAttempt(int n) {
            return new Published(customId, at, envelope, n, replyTo);
        }

        /** The same request asking for its result on {@code topic} (carried by its ticket item). */
        Published withReplyTo(String topic) {
            return new Published(customId, at, envelope, attempt, topic);
        }
    }

    Published publish(String customId, int maxTokens, String directive) throws Exception {
        String env = request(customId, maxTokens, directive);
        RecordMetadata md = requests.send(new ProducerRecord<>(
                        topics.requests().get(0),
                        customId.getBytes(StandardCharsets.UTF_8),
                        env.getBytes(StandardCharsets.UTF_8)))
                .get();
        return new Published(customId, new Coordinates(md.topic(), md.partition(), md.offset()), env, 1, null);
    }

    /** Creates one batch of these requests on the emulator and writes its ticket (in {@code parts} records). */
    MessageBatch submit(List<Published> reqs, int parts, List<String> betas) {
        List<String> sources = List.of(topics.requests().get(0));
        CreateBody.Builder body = CreateBody.inMemory();
        List<TicketItem> items = new ArrayList<>();
        for (Published p : reqs) {
            String id = TicketItem.batchCustomId(0, p.at().partition(), p.at().offset());
            body.add(id, params(p.envelope()).getBytes(StandardCharsets.UTF_8));
            items.add(new TicketItem(
                    id,
                    p.customId(),
                    p.replyTo(),
                    p.attempt(),
                    ("{\"n\":\"" + p.customId() + "\"}").getBytes(StandardCharsets.UTF_8),
                    p.at()));
        }
        MessageBatch batch = client.create(body.build(), betas);
        writeTicket(batch, items, sources, parts, betas);
        return batch;
    }

    void writeTicket(MessageBatch batch, List<TicketItem> items, List<String> sources, int parts, List<String> betas) {
        tickets.beginTransaction();
        int per = (items.size() + parts - 1) / parts;
        for (int part = 0; part < parts; part++) {
            List<TicketItem> slice =
                    items.subList(Math.min(items.size(), part * per), Math.min(items.size(), (part + 1) * per));
            Ticket t = new Ticket(
                    batch.id(),
                    "default",
                    betas,
                    batch.createdAt(),
                    batch.expiresAt(),
                    items.size(),
                    part,
                    parts,
                    sources,
                    slice);
            tickets.send(new ProducerRecord<>(
                    topics.batches(), 0, batch.id().getBytes(StandardCharsets.UTF_8), TicketCodec.write(t)));
        }
        tickets.commitTransaction();
    }

    /** Writes any bytes to partition 0 of the batches topic, in a transaction, as a hostile producer could. */
    void writeRawTicket(String key, byte[] value) {
        tickets.beginTransaction();
        tickets.send(new ProducerRecord<>(
                topics.batches(), 0, key == null ? null : key.getBytes(StandardCharsets.UTF_8), value));
        tickets.commitTransaction();
    }

    /** One single-item ticket per batch, all in one transaction. */
    void writeTickets(List<MessageBatch> batches, TicketItem item) {
        tickets.beginTransaction();
        for (MessageBatch b : batches) {
            Ticket t = new Ticket(
                    b.id(),
                    "default",
                    List.of(),
                    b.createdAt(),
                    b.expiresAt(),
                    1,
                    0,
                    1,
                    List.of(topics.requests().get(0)),
                    List.of(item));
            tickets.send(new ProducerRecord<>(
                    topics.batches(), 0, b.id().getBytes(StandardCharsets.UTF_8), TicketCodec.write(t)));
        }
        tickets.commitTransaction();
    }

    Map<String, String> config(Map<String, String> overrides) {
        Map<String, String> c = new HashMap<>();
        c.put("kafka.bootstrap.servers", cluster.bootstrapServers());
        c.putAll(CommonKeys.topicSettings(topics));
        c.put(WorkerConfig.GROUP_ID, groupId);
        c.put(WorkerConfig.INSTANCE_ID, instanceId);
        c.put(WorkerConfig.POLL_INITIAL_MS, "300");
        c.put(WorkerConfig.POLL_MAX_MS, "1000");
        c.put(WorkerConfig.MAX_CALLS_PER_SECOND, "200");
        c.put(WorkerConfig.FANOUT_RETRY_MS, "300");
        c.put(WorkerConfig.RETRY_BACKOFF_INITIAL_MS, "1000");
        c.putAll(overrides);
        return c;
    }

    WorkerApp worker(Map<String, String> overrides, WorkerApp.BeforeCommit hook) {
        WorkerApp w = new WorkerApp(
                new WorkerConfig(config(overrides)), this::onlyDefault, registry, Clock.systemUTC(), hook);
        workers.add(w);
        return w.start();
    }

    /** As in production, an account without credentials is an IllegalArgumentException. */
    private BatchesClient onlyDefault(String account) {
        if (!account.isEmpty() && !"default".equals(account)) {
            throw new IllegalArgumentException("unknown API account");
        }
        return client;
    }

    WorkerApp worker(Map<String, String> overrides) {
        return worker(overrides, (id, last) -> {});
    }

    /** Every committed record of a topic (read_committed, from the beginning to the end). */
    List<ConsumerRecord<byte[], byte[]>> readAll(String topic) {
        Map<String, Object> c = KafkaClientDefaults.consumer(cluster.bootstrapServers(), "unused");
        c.remove("group.id");
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(c)) {
            List<TopicPartition> tps = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition()))
                    .toList();
            consumer.assign(tps);
            consumer.seekToBeginning(tps);
            Map<TopicPartition, Long> end = consumer.endOffsets(tps);
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (tps.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp)) && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(100)).forEach(out::add);
            }
        }
        return out;
    }

    /** The group's committed offset of the batches topic partition 0, or -1. */
    long committedTicketOffset() {
        try (Admin admin =
                Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers()))) {
            var m = admin.listConsumerGroupOffsets(groupId)
                    .partitionsToOffsetAndMetadata()
                    .get();
            var o = m.get(new TopicPartition(topics.batches(), 0));
            return o == null ? -1 : o.offset();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The sum of the counters of {@code name} with these tag key/value pairs. */
    double counter(String name, String... tags) {
        return registry.find(name).tags(tags).counters().stream()
                .mapToDouble(io.micrometer.core.instrument.Counter::count)
                .sum();
    }

    double counter(String name, String tag, String value) {
        var c = registry.find(name).tag(tag, value).counter();
        return c == null ? 0 : c.count();
    }

    static String header(ConsumerRecord<byte[], byte[]> r, String key) {
        var h = r.headers().lastHeader(key);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    static ModelCatalogue catalogue() {
        return ModelCatalogue.defaults();
    }

    @Override
    public void close() {
        workers.forEach(w -> w.close(Duration.ofSeconds(20)));
        requests.close();
        tickets.close();
        client.close();
    }
}
