package io.batchbridge.worker;

import io.batchbridge.client.ApiAccounts;
import io.batchbridge.client.BatchesClient;
import io.batchbridge.client.ClientSettings;
import io.batchbridge.common.config.CommonKeys;
import io.batchbridge.common.topics.TopicNames;
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
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker's composition root: tracks the open API batches named by tickets on the batches topic and fans
 * their results out to Kafka exactly once. {@link #start()} runs the poll loop on its own thread;
 * {@link #close(Duration)} stops it, hands in-flight fan-outs back (their open transactions are aborted and the
 * next owner resumes from the checkpoint) and closes the clients.
 */
public final class WorkerApp implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(WorkerApp.class);

    private final WorkerConfig config;
    private final WorkerMetrics metrics;
    private final CommitBook book = new CommitBook();
    private final WorkerClients kafka;
    private final EventPublisher events;
    private final BatchTracker tracker;
    private final FanoutPool pool;
    private final TicketIntake intake;
    private final AtomicReference<WorkerState> state = new AtomicReference<>(WorkerState.STARTING);
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean halted;
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
        this.events = new EventPublisher(kafka.eventProducer(), topics.batchEvents(), clock);
        Hooks hooks = new Hooks(beforeCommit);
        this.pool = new FanoutPool(
                config.getInt(WorkerConfig.FANOUT_THREADS),
                n -> kafka.fanout(n, clientsByAccount, pacer, book, events, hooks, metrics, clock),
                n -> () -> kafka.closeFanout(n, halted));
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
                pool::submit,
                events,
                metrics,
                clock);
        CheckpointStore checkpoints = new CheckpointStore(
                () -> kafka.plainConsumer(true),
                () -> kafka.plainConsumer(false),
                topics.checkpoints(),
                Duration.ofMinutes(2));
        this.intake = new TicketIntake(
                kafka.ticketConsumer(),
                book,
                checkpoints,
                tracker,
                pool,
                metrics,
                clock,
                config.duration(WorkerConfig.POLL_TIMEOUT_MS));
        hooks.intake = intake;
        hooks.tracker = tracker;
        hooks.pool = pool;
        registerGauges();
    }

    /** Builds API clients from {@code bridge.api.*} settings and the environment ({@code ANTHROPIC_API_KEY}). */
    public static WorkerApp fromConfig(
            WorkerConfig config, Map<String, String> env, MeterRegistry registry, Clock clock) {
        ApiAccounts accounts = ApiAccounts.from(env, config.raw());
        ClientSettings settings = ClientSettings.from(config.raw());
        Map<String, BatchesClient> clients = new ConcurrentHashMap<>();
        Function<String, BatchesClient> byAccount = name -> clients.computeIfAbsent(
                name == null || name.isBlank() ? accounts.defaultAccount().name() : name,
                n -> new BatchesClient(accounts.get(n), settings, registry, clock));
        return new WorkerApp(config, byAccount, registry, clock);
    }

    /** Starts the fan-out threads and the poll loop. */
    public synchronized WorkerApp start() {
        if (pollThread != null) {
            return this;
        }
        pool.start();
        intake.subscribe(CommonKeys.topicNames(config).batches());
        pollThread = new Thread(this::loop, "bridge-worker-poll");
        pollThread.start();
        return this;
    }

    private void loop() {
        state.set(WorkerState.RUNNING);
        try {
            while (state.get() == WorkerState.RUNNING) {
                intake.pollOnce();
            }
        } catch (WakeupException e) {
            // close() or halt()
        } catch (RuntimeException e) {
            log.error("the worker's poll loop failed; stopping", e);
        } finally {
            shutDown();
        }
    }

    private void shutDown() {
        state.set(WorkerState.STOPPING);
        tracker.close();
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
        kafka.closeTicketConsumer(halted);
        if (!halted) {
            events.close();
        }
        state.set(WorkerState.STOPPED);
        stopped.countDown();
        log.info("worker stopped");
    }

    /** Stops polling, hands in-flight fan-outs back, closes the clients; waits at most {@code timeout}. */
    public void close(Duration timeout) {
        if (state.compareAndSet(WorkerState.RUNNING, WorkerState.DRAINING)
                || state.compareAndSet(WorkerState.STARTING, WorkerState.DRAINING)) {
            kafka.wakeup();
        }
        if (pollThread == null) {
            state.set(WorkerState.STOPPED);
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
     * Simulates a crash for tests: the poll loop leaves the group, nothing is aborted or committed, producers are
     * left as they are (their open transactions are aborted when a successor with the same instance id starts).
     */
    void halt() {
        halted = true;
        intake.halt();
        close(Duration.ofSeconds(30));
    }

    public WorkerState state() {
        return state.get();
    }

    int openBatches() {
        return tracker.openCount();
    }

    private void registerGauges() {
        metrics.gauge(
                "bridge.worker.state",
                "Lifecycle state code (0 starting … 4 stopped)",
                () -> state.get().code());
        metrics.gauge(
                "bridge.worker.batches.open", "Batches tracked (ticket read, not yet fanned out)", tracker::openCount);
        metrics.gauge(
                "bridge.worker.batches.oldest.open.age.seconds",
                "Age of the oldest tracked batch",
                () -> tracker.oldestAge().toSeconds());
        metrics.gauge(
                "bridge.worker.batches.ended.not.fanned.out", "Ended batches waiting for or in fan-out", pool::backlog);
        Duration warn = config.duration(WorkerConfig.EXPIRY_WARNING_MS);
        metrics.gauge(
                "bridge.worker.batches.near.expiry",
                "Open batches close to expires_at",
                () -> tracker.nearExpiry(warn));
    }

    /** Called before each fan-out commitTransaction. */
    @FunctionalInterface
    interface BeforeCommit {
        void beforeCommit(String batchId, boolean last);
    }

    private final class Hooks implements FanoutHooks {
        private final BeforeCommit beforeCommit;
        volatile TicketIntake intake;
        volatile BatchTracker tracker;
        volatile FanoutPool pool;

        Hooks(BeforeCommit beforeCommit) {
            this.beforeCommit = beforeCommit;
        }

        @Override
        public void retryLater(OpenBatch b, Duration delay) {
            tracker.later(delay, () -> {
                if (!b.revoked()) {
                    pool.submit(b);
                }
            });
        }

        @Override
        public void finished(OpenBatch b) {
            intake.finished(b);
        }

        @Override
        public void fatal(RuntimeException e) {
            log.error(
                    "a fan-out producer was fenced: another worker runs with instance id {}; stopping",
                    config.getString(WorkerConfig.INSTANCE_ID),
                    e);
            new Thread(() -> close(Duration.ofSeconds(30)), "bridge-worker-fatal").start();
        }

        @Override
        public void beforeCommit(String batchId, boolean last) {
            beforeCommit.beforeCommit(batchId, last);
        }
    }
}
