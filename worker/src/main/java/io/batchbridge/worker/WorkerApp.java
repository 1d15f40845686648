package io.batchbridge.worker;

import io.batchbridge.client.BatchesClient;
import io.batchbridge.common.config.CommonKeys;
import io.batchbridge.common.http.ReadinessCheck;
import io.batchbridge.common.kafka.GroupMembership;
import io.batchbridge.common.lifecycle.Role;
import io.batchbridge.common.lifecycle.RoleState;
import io.batchbridge.common.lifecycle.Threads;
import io.batchbridge.common.metrics.BridgeMetric;
import io.batchbridge.common.metrics.MetricsBinder;
import io.batchbridge.common.topics.TopicNames;
import io.batchbridge.worker.internal.BatchLifecycle;
import io.batchbridge.worker.internal.BatchTracker;
import io.batchbridge.worker.internal.CallPacer;
import io.batchbridge.worker.internal.CheckpointStore;
import io.batchbridge.worker.internal.CommitBook;
import io.batchbridge.worker.internal.EventPublisher;
import io.batchbridge.worker.internal.FanoutHooks;
import io.batchbridge.worker.internal.FanoutPool;
import io.batchbridge.worker.internal.OpenBatch;
import io.batchbridge.worker.internal.PollSchedule;
import io.batchbridge.worker.internal.TicketIntake;
import io.batchbridge.worker.internal.WorkerMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker's composition root: tracks the open API batches named by tickets on the batches topic and fans
 * their results out to Kafka exactly once. {@link #start()} runs the poll loop on its own thread;
 * {@link #close(Duration)} stops it, hands in-flight fan-outs back (their open transactions are aborted and the
 * next owner resumes from the checkpoint) and closes the clients.
 */
public final class WorkerApp implements Role {
    private static final Logger log = LoggerFactory.getLogger(WorkerApp.class);

    private final WorkerConfig config;
    private final WorkerMetrics metrics;
    private final CommitBook book = new CommitBook();
    private final WorkerClients kafka;
    private final EventPublisher events;
    private final BatchLifecycle lifecycle;
    private final BatchTracker tracker;
    private final FanoutPool pool;
    private final TicketIntake intake;
    private final AtomicReference<RoleState> state = new AtomicReference<>(RoleState.STARTING);
    private final MetricsBinder kafkaMetrics;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean halted;
    private volatile String fatalMessage;
    private Thread pollThread;

    public WorkerApp(
            WorkerConfig config,
            Function<String, BatchesClient> clientsByAccount,
            MeterRegistry registry,
            Clock clock) {
        this(config, clientsByAccount, registry, clock, (id, last) -> {});
    }

    /** As the public constructor, with a hook called before every fan-out commit (tests simulate crashes). */
    WorkerApp(
            WorkerConfig config,
            Function<String, BatchesClient> clientsByAccount,
            MeterRegistry registry,
            Clock clock,
            BeforeCommit beforeCommit) {
        this.config = config;
        this.metrics = new WorkerMetrics(registry);
        TopicNames topics = CommonKeys.topicNames(config);
        this.kafka = new WorkerClients(config);
        CallPacer pacer = new CallPacer(config.getDouble(WorkerConfig.MAX_CALLS_PER_SECOND));
        Producer<byte[], byte[]> eventProducer = kafka.eventProducer();
        this.kafkaMetrics = new MetricsBinder(registry)
                .bindKafkaClient(kafka.ticketConsumer())
                .bindKafkaClient(eventProducer);
        this.events = new EventPublisher(eventProducer, topics.batchEvents(), clock);
        FanoutHooks hooks = new Hooks(beforeCommit);
        this.lifecycle = new BatchLifecycle(this::startTracking);
        CheckpointStore checkpoints = new CheckpointStore(
                () -> kafka.plainConsumer(true),
                () -> kafka.plainConsumer(false),
                topics.checkpoints(),
                Duration.ofMinutes(2));
        this.pool = new FanoutPool(
                config.getInt(WorkerConfig.FANOUT_THREADS),
                lifecycle,
                n -> kafka.fanout(
                        n, lifecycle, checkpoints, clientsByAccount, pacer, book, events, hooks, metrics, clock),
                n -> () -> kafka.closeFanout(n, halted),
                metrics::fanoutThreadReplaced);
        PollSchedule schedule = new PollSchedule(
                config.duration(WorkerConfig.POLL_INITIAL_MS),
                config.getDouble(WorkerConfig.POLL_MULTIPLIER),
                config.duration(WorkerConfig.POLL_MAX_MS),
                config.getDouble(WorkerConfig.POLL_JITTER),
                () -> ThreadLocalRandom.current().nextDouble());
        this.tracker = new BatchTracker(
                clientsByAccount,
                schedule,
                pacer,
                config.getInt(WorkerConfig.MAX_CONCURRENT_CALLS),
                config.getInt(WorkerConfig.NOT_FOUND_LIMIT),
                lifecycle,
                events,
                metrics,
                clock);
        this.intake = new TicketIntake(
                kafka.ticketConsumer(),
                book,
                checkpoints,
                lifecycle,
                metrics,
                clock,
                config.duration(WorkerConfig.POLL_TIMEOUT_MS),
                account -> configured(clientsByAccount, account));
        registerGauges();
    }

    /** A batch became tracked: the tracker starts polling it. */
    private void startTracking(OpenBatch b) {
        tracker.track(b);
    }

    /** Whether this worker has API credentials for {@code account} (a ticket naming another is skipped). */
    private static boolean configured(Function<String, BatchesClient> clients, String account) {
        try {
            return clients.apply(account) != null;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    @Override
    public String name() {
        return "worker";
    }

    /** Starts the fan-out threads and the poll loop (once). */
    @Override
    public synchronized WorkerApp start() {
        if (pollThread != null || state.get() != RoleState.STARTING) {
            return this;
        }
        pool.start();
        intake.subscribe(CommonKeys.topicNames(config).batches());
        pollThread = new Thread(this::loop, "worker-poll");
        pollThread.start();
        return this;
    }

    private void loop() {
        state.compareAndSet(RoleState.STARTING, RoleState.RUNNING);
        boolean failed = false;
        try {
            while (state.get() == RoleState.RUNNING) {
                intake.pollOnce();
            }
        } catch (WakeupException e) {
            // close() or abort()
        } catch (RuntimeException | Error e) { // e.g. OutOfMemoryError: stop FAILED (the runner exits)
            Optional<String> fenced = GroupMembership.fencedMessage(e, name(), config.instanceId());
            fenced.ifPresent(log::error);
            fatalMessage = fenced.orElseGet(() -> Threads.died(name(), e));
            failed = true;
        } finally {
            shutDown(failed);
        }
    }

    private void shutDown(boolean failed) {
        state.set(RoleState.STOPPING);
        tracker.close();
        lifecycle.close();
        if (!halted) {
            intake.revokeAll();
        }
        pool.close();
        try {
            if (!halted) {
                pool.join(Duration.ofSeconds(30));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closeQuietly(kafkaMetrics);
        kafka.closeTicketConsumer(halted);
        kafka.closeAdmin();
        if (!halted) {
            events.close();
        }
        state.set(failed || fatalMessage != null ? RoleState.FAILED : RoleState.STOPPED);
        stopped.countDown();
        log.info("worker stopped");
    }

    /** Stops polling, hands in-flight fan-outs back, closes the clients; waits at most {@code timeout}. */
    @Override
    public void close(Duration timeout) {
        if (state.compareAndSet(RoleState.RUNNING, RoleState.DRAINING)
                || state.compareAndSet(RoleState.STARTING, RoleState.DRAINING)) {
            kafka.wakeup();
        }
        if (pollThread == null) {
            closeQuietly(kafkaMetrics);
            state.set(RoleState.STOPPED);
            return;
        }
        try {
            if (!stopped.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                log.warn("worker did not stop within {}", timeout);
                pool.interrupt();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(60));
    }

    /**
     * Stops at once as a crash would (for tests): the poll loop leaves the group, nothing is aborted or committed,
     * producers are left as they are (their open transactions are aborted when a successor with the same instance
     * id starts).
     */
    @Override
    public void abort() {
        halted = true;
        intake.halt();
        close(Duration.ofSeconds(30));
    }

    @Override
    public RoleState state() {
        return state.get();
    }

    /** Why the worker stopped by itself (its poll loop died, another instance took its id), or null. */
    @Override
    public String failure() {
        return fatalMessage;
    }

    /**
     * True while the ticket consumer holds its assignment (possibly empty when there are more workers than
     * partitions); false before the first assignment and during a rebalance.
     */
    @Override
    public boolean assignmentSettled() {
        return intake.assignmentSettled();
    }

    private static void closeQuietly(MetricsBinder binder) {
        try {
            binder.close();
        } catch (RuntimeException e) {
            log.debug("unbinding Kafka client metrics failed", e);
        }
    }

    int openBatches() {
        return lifecycle.openCount();
    }

    /** Not ready while fan-out threads that died wait for their replacement (the pool replaces them). */
    @Override
    public List<ReadinessCheck> readiness() {
        return List.of(ReadinessCheck.of(ReadinessCheck.FANOUT_THREADS_DOWN, () -> pool.threadsDown() == 0));
    }

    private void registerGauges() {
        metrics.gauge(BridgeMetric.WORKER_STATE, () -> state.get().code());
        metrics.gauge(BridgeMetric.WORKER_BATCHES_OPEN, lifecycle::openCount);
        metrics.gauge(
                BridgeMetric.WORKER_BATCHES_OLDEST_OPEN_AGE,
                () -> tracker.oldestAge().toSeconds());
        metrics.gauge(BridgeMetric.WORKER_BATCHES_ENDED_NOT_FANNED_OUT, lifecycle::backlog);
        metrics.gauge(
                BridgeMetric.WORKER_ENDED_OLDEST_AGE,
                () -> tracker.endedOldestAge().toSeconds());
        Duration warn = config.duration(WorkerConfig.EXPIRY_WARNING_MS);
        metrics.gauge(BridgeMetric.WORKER_BATCHES_NEAR_EXPIRY, () -> tracker.nearExpiry(warn));
    }

    /** Called before each fan-out commitTransaction. */
    @FunctionalInterface
    interface BeforeCommit {
        void beforeCommit(String batchId, boolean last);
    }

    private final class Hooks implements FanoutHooks {
        private final BeforeCommit beforeCommit;

        Hooks(BeforeCommit beforeCommit) {
            this.beforeCommit = beforeCommit;
        }

        @Override
        public void fatal(RuntimeException e) {
            fatalMessage = GroupMembership.fencedMessage(e, name(), config.instanceId())
                    .orElse("a fan-out producer was fenced: another worker runs with instance id "
                            + config.instanceId());
            log.error("{}; stopping", fatalMessage, e);
            new Thread(() -> close(Duration.ofSeconds(30)), "worker-fatal").start();
        }

        @Override
        public void beforeCommit(String batchId, boolean last) {
            beforeCommit.beforeCommit(batchId, last);
        }
    }
}
