package io.batchbridge.worker;

import io.batchbridge.client.BatchesClient;
import io.batchbridge.common.config.CommonKeys;
import io.batchbridge.common.config.Tenants;
import io.batchbridge.common.kafka.GroupMembership;
import io.batchbridge.common.kafka.KafkaClientDefaults;
import io.batchbridge.common.metrics.MetricsBinder;
import io.batchbridge.worker.internal.BatchLifecycle;
import io.batchbridge.worker.internal.CallPacer;
import io.batchbridge.worker.internal.CheckpointStore;
import io.batchbridge.worker.internal.CommitBook;
import io.batchbridge.worker.internal.Destinations;
import io.batchbridge.worker.internal.EventPublisher;
import io.batchbridge.worker.internal.FanoutHooks;
import io.batchbridge.worker.internal.FanoutSettings;
import io.batchbridge.worker.internal.OutcomeRecords;
import io.batchbridge.worker.internal.ResultFanout;
import io.batchbridge.worker.internal.ResultRouter;
import io.batchbridge.worker.internal.SourceReader;
import io.batchbridge.worker.internal.WorkerMetrics;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;

/**
 * Every Kafka client of the worker, built from {@link KafkaClientDefaults} (large records, zstd, read_committed)
 * with the user's {@code kafka.*} settings on top.
 */
final class WorkerClients {
    /** Ticket records per poll (kafka.consumer.max.poll.records overrides it). */
    static final int TICKETS_PER_POLL = 20;

    private final WorkerConfig config;
    private final String bootstrap;
    private final KafkaConsumer<byte[], byte[]> tickets;
    private final Admin admin;
    private final Destinations destinations;
    private final Map<Integer, ResultFanout> fanouts = new ConcurrentHashMap<>();
    private final Map<Integer, SourceReader> readers = new ConcurrentHashMap<>();
    private final Map<Integer, MetricsBinder> binders = new ConcurrentHashMap<>();

    WorkerClients(WorkerConfig config) {
        this.config = config;
        Object servers = config.kafkaSettings().get("bootstrap.servers");
        if (servers == null || servers.toString().isBlank()) {
            throw new IllegalArgumentException("kafka.bootstrap.servers must be set (or KAFKA_BOOTSTRAP_SERVERS)");
        }
        this.bootstrap = servers.toString();
        Map<String, Object> c = KafkaClientDefaults.consumer(bootstrap, config.getString(WorkerConfig.GROUP_ID));
        c.put(ConsumerConfig.CLIENT_ID_CONFIG, "bridge-worker-" + instanceId() + "-tickets");
        // Incremental rebalancing: only partitions that move stop; a worker keeping its partitions goes on fanning
        // out (a generation bump costs at most the transactions in flight). kafka.consumer.* may choose otherwise.
        c.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CooperativeStickyAssignor.class.getName());
        // A ticket is up to ~1 MB decompressed while the fetch limits count compressed bytes: 500 records a poll
        // (the client default) of very compressible tickets ran a 512 MB worker out of heap (the open-work bench).
        c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, TICKETS_PER_POLL);
        c.putAll(config.kafkaSettings("consumer"));
        GroupMembership.configure(c, config, "worker", instanceId());
        this.tickets = new KafkaConsumer<>(c);
        Map<String, Object> a = config.kafkaSettings("admin");
        a.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        a.put(AdminClientConfig.CLIENT_ID_CONFIG, "bridge-worker-" + instanceId() + "-admin");
        this.admin = Admin.create(a);
        this.destinations = new Destinations(admin);
    }

    /** The Admin client (topic existence checks of output topics) is closed once the fan-out threads are gone. */
    void closeAdmin() {
        admin.close(Duration.ofSeconds(5));
    }

    String instanceId() {
        return config.instanceId();
    }

    KafkaConsumer<byte[], byte[]> ticketConsumer() {
        return tickets;
    }

    void wakeup() {
        tickets.wakeup();
    }

    /** A graceful close leaves the group when configured to (scale-down); a halt never does, like a crash. */
    void closeTicketConsumer(boolean halted) {
        tickets.close(GroupMembership.closeOptions(config, Duration.ofSeconds(halted ? 2 : 10), !halted));
    }

    Producer<byte[], byte[]> eventProducer() {
        Map<String, Object> p = KafkaClientDefaults.producer(bootstrap);
        p.putAll(config.kafkaSettings("producer"));
        p.remove("transactional.id");
        return new KafkaProducer<>(p);
    }

    /** A consumer without a group, for checkpoints ({@code committed}: read_committed) and source re-reads. */
    KafkaConsumer<byte[], byte[]> plainConsumer(boolean committed) {
        Map<String, Object> c = KafkaClientDefaults.consumer(bootstrap, "unused");
        c.putAll(config.kafkaSettings("consumer"));
        c.remove(ConsumerConfig.GROUP_ID_CONFIG);
        c.remove(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, committed ? "read_committed" : "read_uncommitted");
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "none");
        // coordinates come from tickets: reading one must never create its topic on an auto-creating broker
        c.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        return new KafkaConsumer<>(c);
    }

    /**
     * The fan-out of thread {@code n}. Its transactional producer is initialised (fencing a predecessor with the
     * same transactional id) here, and again whenever the fan-out renews it after a commit of unknown outcome.
     */
    ResultFanout fanout(
            int n,
            BatchLifecycle lifecycle,
            CheckpointStore checkpoints,
            Function<String, BatchesClient> clients,
            CallPacer pacer,
            CommitBook book,
            EventPublisher events,
            FanoutHooks hooks,
            WorkerMetrics metrics,
            Clock clock) {
        String transactionalId = "bridge-worker-" + instanceId() + "-fanout-" + n;
        Map<String, Object> p = KafkaClientDefaults.transactionalProducer(bootstrap, transactionalId);
        p.putAll(config.kafkaSettings("producer"));
        p.put("transactional.id", transactionalId);
        Supplier<Producer<byte[], byte[]>> producers = () -> {
            KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p);
            try {
                producer.initTransactions();
            } catch (RuntimeException e) {
                producer.close(Duration.ZERO);
                throw e;
            }
            MetricsBinder old = binders.put(n, new MetricsBinder(metrics.registry()).bindKafkaClient(producer));
            if (old != null) {
                old.close();
            }
            return producer;
        };
        SourceReader reader = new SourceReader(plainConsumer(true), Duration.ofSeconds(30), destinations);
        readers.put(n, reader);
        FanoutSettings settings = new FanoutSettings(
                config.getInt(WorkerConfig.TXN_MAX_RECORDS),
                config.getLong(WorkerConfig.TXN_MAX_BYTES),
                config.duration(WorkerConfig.TXN_MAX_MS),
                config.getInt(WorkerConfig.MAX_RESULT_BYTES),
                config.duration(WorkerConfig.FANOUT_RETRY_MS),
                config.getBoolean(WorkerConfig.DELETE_AFTER_FANOUT),
                config.getInt(WorkerConfig.FANOUT_PREFETCH_BYTES));
        ResultRouter router = new ResultRouter(
                config.getInt(WorkerConfig.RETRY_MAX_ATTEMPTS), // only for ticket items that carry no limit
                config.retryCanceled(),
                config.duration(WorkerConfig.RETRY_BACKOFF_INITIAL_MS),
                config.duration(WorkerConfig.RETRY_BACKOFF_MAX_MS));
        OutcomeRecords records = new OutcomeRecords(
                CommonKeys.topicNames(config), CommonKeys.catalogue(config), clock, Tenants.of(config));
        ResultFanout fanout = new ResultFanout(
                producers,
                lifecycle,
                checkpoints,
                reader,
                clients,
                pacer,
                book,
                records,
                router,
                events,
                settings,
                destinations,
                hooks,
                metrics,
                clock);
        fanouts.put(n, fanout);
        return fanout;
    }

    /** Closes thread {@code n}'s clients; a halted (crash-simulating) worker leaves its producer's transaction open. */
    void closeFanout(int n, boolean halted) {
        MetricsBinder binder = binders.remove(n);
        if (binder != null) {
            binder.close();
        }
        SourceReader r = readers.remove(n);
        if (r != null) {
            r.close();
        }
        ResultFanout f = fanouts.remove(n);
        if (f != null && !halted) {
            f.closeProducer(Duration.ofSeconds(10));
        }
    }
}
