package io.batchbridge.submitter;

import io.batchbridge.client.ApiAccounts;
import io.batchbridge.client.BatchesClient;
import io.batchbridge.common.config.CommonKeys;
import io.batchbridge.common.http.ReadinessCheck;
import io.batchbridge.common.kafka.GroupMembership;
import io.batchbridge.common.lifecycle.Role;
import io.batchbridge.common.lifecycle.RoleState;
import io.batchbridge.common.lifecycle.Threads;
import io.batchbridge.common.metrics.BridgeMetric;
import io.batchbridge.common.metrics.MetricsBinder;
import io.batchbridge.common.model.ModelCatalogue;
import io.batchbridge.common.topics.AdminTopicDirectory;
import io.batchbridge.common.topics.TopicNames;
import io.batchbridge.common.validation.RequestValidator;
import io.batchbridge.common.validation.ValidationPolicy;
import io.batchbridge.submitter.internal.BatchCreator;
import io.batchbridge.submitter.internal.HandOffLedger;
import io.batchbridge.submitter.internal.Intake;
import io.batchbridge.submitter.internal.IntentChecks;
import io.batchbridge.submitter.internal.IntentLog;
import io.batchbridge.submitter.internal.IntentRecovery;
import io.batchbridge.submitter.internal.Lanes;
import io.batchbridge.submitter.internal.OrphanBatches;
import io.batchbridge.submitter.internal.OutcomeHandler;
import io.batchbridge.submitter.internal.Primer;
import io.batchbridge.submitter.internal.SpendGuard;
import io.batchbridge.submitter.internal.SubmitterLoop;
import io.batchbridge.submitter.internal.SubmitterMetrics;
import io.batchbridge.submitter.internal.TopicLimits;
import io.batchbridge.submitter.internal.TransactionWriter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The submitter's composition root: consumes request topics and the retry topic, packs valid requests
 * into API batches per lane and writes each batch's ticket in the same transaction as the offsets it
 * covers. On a Kafka error that aborts a transaction it rewinds to the committed state with fresh
 * clients, so nothing is lost and nothing doubles in Kafka.
 */
public final class SubmitterApp implements Role {
    private static final Logger log = LoggerFactory.getLogger(SubmitterApp.class);

    /** How old another instance's open create intent must be before this one resolves it (it never came back). */
    static final Duration FOREIGN_INTENT_AGE = Duration.ofMinutes(15);

    private final SubmitterConfig config;
    private final Function<String, BatchesClient> clients;
    private final Set<String> accounts;
    private final MeterRegistry registry;
    private final Clock clock;
    private final SubmitterMetrics metrics;
    private final TopicNames topics;
    private final ModelCatalogue catalogue;
    private final SpendGuard spendGuard;
    private final OrphanBatches orphans;
    private final IntentLog intents;
    private final IntentChecks intentChecks;
    private final AtomicReference<RoleState> state = new AtomicReference<>(RoleState.STARTING);
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean running = true;
    private volatile boolean aborted;
    private volatile Duration drainTimeout = Duration.ofSeconds(30);
    private volatile KafkaConsumer<byte[], byte[]> consumer;
    private volatile SubmitterLoop loop;
    private volatile String fatalMessage;
    private Thread thread;

    /**
     * @param clients the API client of each configured account, by account name
     * @param accounts the configured account names (requests naming another are dead-lettered)
     */
    public SubmitterApp(
            SubmitterConfig config,
            Function<String, BatchesClient> clients,
            Set<String> accounts,
            MeterRegistry registry,
            Clock clock) {
        this.config = config;
        this.clients = clients;
        this.accounts = Set.copyOf(accounts);
        this.registry = registry;
        this.clock = clock;
        this.metrics = new SubmitterMetrics(registry);
        this.topics = CommonKeys.topicNames(config);
        this.catalogue = CommonKeys.catalogue(config);
        this.spendGuard = new SpendGuard(config.getDouble(SubmitterConfig.SPEND_LIMIT_USD_PER_DAY), catalogue, clock);
        config.checkAccounts(this.accounts);
        config.primerSettings(); // a primer without prefix packing stops the role at start
        this.orphans = new OrphanBatches(
                clients, metrics, config.getDuration(SubmitterConfig.LINGER_MS).plusSeconds(30));
        this.intents = new IntentLog(
                new KafkaProducer<>(SubmitterClients.intentProducer(config)),
                topics.intents(),
                config.instanceId(),
                clock,
                Duration.ofSeconds(30));
        orphans.onIntentClosed(intents::close);
        intents.onWritten(metrics::intentWritten);
        this.intentChecks = new IntentChecks(
                new IntentRecovery(
                        () -> new KafkaConsumer<>(SubmitterClients.plainConsumer(config)),
                        topics.intents(),
                        topics.batches(),
                        config.instanceId(),
                        clients,
                        orphans,
                        intents,
                        metrics,
                        clock,
                        FOREIGN_INTENT_AGE),
                clock);
        intents.onUnknown(i -> intentChecks.unknownOutcome(i.at().plus(IntentRecovery.SETTLE)));
        metrics.gauge(BridgeMetric.SUBMITTER_STATE, () -> state.get().code());
        metrics.gauge(BridgeMetric.SUBMITTER_SPEND_GUARD_ENGAGED, () -> spendGuard.engaged() ? 1 : 0);
    }

    @Override
    public String name() {
        return "submitter";
    }

    /** Starts the poll loop on its own thread (once). */
    @Override
    public synchronized SubmitterApp start() {
        if (thread == null && state.get() == RoleState.STARTING) {
            thread = new Thread(this::runUntilStopped, "submitter-poll");
            thread.start();
        }
        return this;
    }

    @Override
    public RoleState state() {
        return state.get();
    }

    /** Holds readiness while the spend guard holds intake. */
    @Override
    public List<ReadinessCheck> readiness() {
        return List.of(ReadinessCheck.of(ReadinessCheck.SPEND_GUARD_ENGAGED, () -> !spendGuard.engaged()));
    }

    /** True while the spend guard holds the next batch because the daily spend limit would be crossed. */
    public boolean spendGuardEngaged() {
        return spendGuard.engaged();
    }

    /**
     * True while the consumer holds its assignment (possibly empty when there are more submitters than
     * partitions); false before the first assignment and during a rebalance.
     */
    @Override
    public boolean assignmentSettled() {
        SubmitterLoop l = loop;
        return l != null && l.assignmentSettled();
    }

    /** True while intake is paused (full buffers, API outage, open circuit, spend guard). */
    public boolean intakePaused() {
        SubmitterLoop l = loop;
        return l != null && l.intakePaused();
    }

    private void runUntilStopped() {
        try {
            intentChecks.start();
            while (running) {
                try {
                    runGeneration();
                } catch (org.apache.kafka.common.config.ConfigException e) {
                    throw e; // a bad client setting will not fix itself: stop loudly
                } catch (KafkaException e) {
                    Optional<String> fenced = GroupMembership.fencedMessage(e, "submitter", config.instanceId());
                    if (fenced.isPresent()) {
                        log.error(fenced.get());
                        fatalMessage = fenced.get();
                        state.set(RoleState.FAILED);
                        return;
                    }
                    if (!running) {
                        break;
                    }
                    log.warn(
                            "Kafka error in the submitter loop ({}); rewinding to the committed offsets",
                            SubmitterClients.describe(e));
                    TimeUnit.SECONDS.sleep(1);
                }
                if (state.get() == RoleState.FAILED) {
                    return;
                }
            }
            state.set(RoleState.STOPPED);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            state.set(RoleState.STOPPED);
        } catch (RuntimeException | Error e) {
            fatalMessage = Threads.died(name(), e);
            state.set(RoleState.FAILED);
        } finally {
            closeResources();
            stopped.countDown();
        }
    }

    private void closeResources() {
        intentChecks.close();
        orphans.close();
        intents.close();
    }

    /** One life of the clients: from fresh consumer and producer to close. Throws to rewind. */
    private void runGeneration() throws InterruptedException {
        Map<String, Object> producerProps = SubmitterClients.producer(config);
        TopicLimits limits = SubmitterClients.limits(config, topics, producerProps);
        OutcomeHandler outcomes = new OutcomeHandler(
                topics, config.getInt(SubmitterConfig.TICKET_ITEMS_PER_RECORD), limits, clock, metrics);
        BatchCreator.Settings createSettings = new BatchCreator.Settings(
                config.getDuration(SubmitterConfig.CREATE_BACKOFF_MS),
                config.getLong(SubmitterConfig.SPOOL_THRESHOLD_BYTES),
                config.getInt(SubmitterConfig.MAX_CONCURRENT_CREATES),
                config.getInt(SubmitterConfig.BISECT_MAX_CALLS));
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerProps);
                KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(SubmitterClients.consumer(config));
                BatchCreator creator = new BatchCreator(
                        clients,
                        clock,
                        createSettings,
                        outcomes::tickets,
                        outcomes.ticketParts(),
                        orphans,
                        intents,
                        metrics);
                Admin admin = Admin.create(SubmitterClients.admin(config));
                MetricsBinder kafkaMetrics =
                        new MetricsBinder(registry).bindKafkaClient(producer).bindKafkaClient(c)) {
            producer.initTransactions();
            consumer = c;
            HandOffLedger ledger = new HandOffLedger();
            TransactionWriter writer = new TransactionWriter(producer, ledger, c::groupMetadata, (lost, cause) -> {
                String why = SubmitterClients.describe(cause);
                lost.forEach(o -> orphans.hold(o, why));
            });
            SubmitterLoop l = newLoop(c, creator, outcomes, ledger, writer, admin);
            loop = l;
            subscribe(c, l);
            state.compareAndSet(RoleState.STARTING, RoleState.RUNNING);
            try (l) {
                runLoop(l);
            }
            // a graceful stop leaves the group when configured to (scale-down); a halt or a rewind never does
            c.close(GroupMembership.closeOptions(config, Duration.ofSeconds(10), !running && !aborted));
        }
    }

    private void runLoop(SubmitterLoop l) throws InterruptedException {
        try {
            while (running && l.fatal() == null) {
                l.runOnce();
            }
        } catch (WakeupException e) {
            // close() woke the poll; fall through to drain
        }
        if (l.fatal() != null) {
            state.set(RoleState.FAILED);
            return;
        }
        if (aborted) {
            l.abandon(); // like a crash: nothing drained, nothing committed, not even on revocation
            return;
        }
        state.set(RoleState.DRAINING);
        l.drain(drainTimeout);
        state.set(RoleState.STOPPING);
    }

    private SubmitterLoop newLoop(
            KafkaConsumer<byte[], byte[]> c,
            BatchCreator creator,
            OutcomeHandler outcomes,
            HandOffLedger ledger,
            TransactionWriter writer,
            Admin admin) {
        Set<String> ownTopics = new HashSet<>(topics.requests());
        ownTopics.addAll(List.of(
                topics.batches(),
                topics.retry(),
                topics.dlq(),
                topics.batchEvents(),
                topics.checkpoints(),
                topics.intents()));
        ValidationPolicy policy = new ValidationPolicy(
                "reject".equals(config.getString(SubmitterConfig.UNKNOWN_MODEL_POLICY)),
                Pattern.compile(config.getString(SubmitterConfig.REPLY_TO_ALLOWED)),
                accounts,
                config.getInt(SubmitterConfig.MAX_RECORD_BYTES),
                config.getInt(SubmitterConfig.MAX_METADATA_BYTES),
                ValidationPolicy.AccountChoice.valueOf(
                        config.getString(SubmitterConfig.RECORD_ACCOUNT_CHOICE).toUpperCase(java.util.Locale.ROOT)),
                config.topicAccountsAllowed(),
                config.getBoolean(SubmitterConfig.BETAS_REJECT_UNKNOWN),
                ownTopics,
                AdminTopicDirectory.of(admin));
        Intake intake = new Intake(
                new RequestValidator(catalogue, policy),
                topics.retry(),
                config.getInt(SubmitterConfig.RETRY_MAX_ATTEMPTS),
                config.topicAccounts(),
                ApiAccounts.DEFAULT,
                metrics);
        Lanes lanes = new Lanes(
                config.getInt(SubmitterConfig.MAX_BATCH_REQUESTS),
                config.getLong(SubmitterConfig.MAX_BATCH_BYTES),
                config.getDuration(SubmitterConfig.LINGER_MS),
                Lanes.Packing.valueOf(config.getString(SubmitterConfig.PACKING).toUpperCase(java.util.Locale.ROOT)));
        return new SubmitterLoop(
                c,
                intake,
                lanes,
                creator,
                outcomes,
                ledger,
                writer,
                clock,
                config.getDuration(SubmitterConfig.POLL_TIMEOUT_MS),
                config.getLong(SubmitterConfig.MAX_BUFFERED_BYTES),
                metrics,
                spendGuard,
                new Primer(
                        config.primerSettings(),
                        (account, id) -> clients.apply(account).retrieve(id).ended(),
                        metrics));
    }

    private void subscribe(KafkaConsumer<byte[], byte[]> c, SubmitterLoop l) {
        String pattern = config.getString(SubmitterConfig.TOPICS_PATTERN);
        if (pattern.isBlank()) {
            List<String> all = new ArrayList<>(topics.requests());
            all.add(topics.retry());
            c.subscribe(all, l);
        } else {
            c.subscribe(Pattern.compile("(" + pattern + ")|" + Pattern.quote(topics.retry())), l);
        }
    }

    /** The message of a fatal stop (e.g. the API refused the key, or another instance took this id), or null. */
    @Override
    public String failure() {
        if (fatalMessage != null) {
            return fatalMessage;
        }
        SubmitterLoop l = loop;
        return l == null ? null : l.fatal();
    }

    /** Stops polling, turns every lane into a batch, waits for creates and commits; then closes the clients. */
    @Override
    public void close(Duration timeout) {
        if (stopped.getCount() == 0) {
            return; // stopped already: closing again does nothing
        }
        drainTimeout = timeout;
        running = false;
        synchronized (this) {
            if (thread == null) { // never started: nothing to drain
                if (state.compareAndSet(RoleState.STARTING, RoleState.STOPPED)) {
                    closeResources();
                    stopped.countDown();
                }
                return;
            }
        }
        KafkaConsumer<byte[], byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        try {
            if (!stopped.await(timeout.plusSeconds(10).toMillis(), TimeUnit.MILLISECONDS)) {
                log.warn("submitter did not stop within {}", timeout);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Stops at once without draining or committing, as a crash would: buffered requests and creates in
     * flight are abandoned and read again by the next owner. For tests of the duplicate-batch window.
     */
    @Override
    public void abort() {
        aborted = true;
        close(Duration.ZERO);
    }

    /** Waits until the loop has stopped by itself (fatal error) or was closed. */
    public boolean awaitStopped(Duration timeout) throws InterruptedException {
        return stopped.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }
}
