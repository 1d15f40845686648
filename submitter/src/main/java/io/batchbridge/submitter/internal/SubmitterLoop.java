package io.batchbridge.submitter.internal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The submitter's poll loop: a handful of named steps, each owned by one class. It never waits on the
 * API (creates run in {@link BatchCreator}) or on a commit (transactions run on the {@link TransactionWriter}'s
 * thread); records are validated on the {@link ValidationStage}'s thread while the next poll fetches. Everything
 * it hands off is written with its offsets in one transaction ({@link TransactionWriter}).
 */
public final class SubmitterLoop implements ConsumerRebalanceListener, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SubmitterLoop.class);
    /** Kafka's default offset.metadata.max.bytes is 4096; stay well inside it. */
    static final int MAX_METADATA_CHARS = 3000;
    /** How long a poll waits while earlier records are still being validated: they are applied right after. */
    static final Duration POLL_WHILE_VALIDATING = Duration.ofMillis(5);

    private final Consumer<byte[], byte[]> consumer;
    private final ValidationStage validation;
    private final Lanes lanes;
    private final BatchCreator creator;
    private final OutcomeHandler outcomes;
    private final HandOffLedger ledger;
    private final TransactionWriter writer;
    private final Clock clock;
    private final Duration pollTimeout;
    private final long maxBufferedBytes;
    private final SubmitterMetrics metrics;
    private final SpendGuard spendGuard;
    private final Primer primer;
    private final Outbox outbox = new Outbox();
    private final SpendRefusals refusals;
    private final Deque<PendingBatch> toCreate = new ArrayDeque<>();
    private final Map<TopicPartition, Instant> gated = new HashMap<>();
    /** Tenants whose next batch waits for their spend limit (their request topics pause). */
    private Set<String> heldTenants = new HashSet<>();

    private long creatingBytes;
    private Instant createNotBefore = Instant.MIN;
    /**
     * Batches in {@link #toCreate} whose last create had an unknown outcome, held back until the instant given:
     * meanwhile the intents' pass finds the batch the API may have created and holds it, so the retry claims it
     * instead of buying it twice ({@link IntentRecovery#resolveUnknown}).
     */
    private final Map<PendingBatch, Instant> parked = new java.util.IdentityHashMap<>();

    private volatile boolean intakePaused;
    private volatile boolean assignmentSettled;
    // Snapshots for the gauges, which are read on the scrape thread: the consumer is not thread-safe.
    private volatile long bufferedSnapshot;
    private volatile int lanesSnapshot;
    private volatile int pausedSnapshot;
    private String fatal;
    private volatile boolean abandoned;

    public SubmitterLoop(
            Consumer<byte[], byte[]> consumer,
            Intake intake,
            Lanes lanes,
            BatchCreator creator,
            OutcomeHandler outcomes,
            HandOffLedger ledger,
            TransactionWriter writer,
            Clock clock,
            Duration pollTimeout,
            long maxBufferedBytes,
            SubmitterMetrics metrics,
            SpendGuard spendGuard,
            Primer primer) {
        this.consumer = consumer;
        this.primer = primer;
        this.validation = new ValidationStage(r -> intake.decide(r, clock.instant()));
        this.lanes = lanes;
        this.creator = creator;
        this.outcomes = outcomes;
        this.ledger = ledger;
        this.writer = writer;
        this.clock = clock;
        this.pollTimeout = pollTimeout;
        this.maxBufferedBytes = maxBufferedBytes;
        this.metrics = metrics;
        this.spendGuard = spendGuard;
        this.refusals = new SpendRefusals(spendGuard.retryTopic(), clock, metrics);
        metrics.gauges(() -> bufferedSnapshot, () -> lanesSnapshot, () -> pausedSnapshot);
    }

    /**
     * One iteration: poll (while the previous poll's records are validated), take in what is validated, settle
     * creates, flush due lanes, commit, adjust pauses.
     */
    public void runOnce() {
        ConsumerRecords<byte[], byte[]> polled =
                consumer.poll(validation.pending() > 0 ? POLL_WHILE_VALIDATING : pollTimeout);
        validation.submit(polled);
        // Keep one poll in validation while the next is fetched; with nothing new arriving, apply it now.
        if (validation.full() || polled.isEmpty()) {
            takeIn(validation.take());
        }
        settleOutcomes();
        primer.tick(clock.instant(), bufferedBytes() > maxBufferedBytes, this::release);
        flushDue(false);
        relieveWatermarks();
        startCreates();
        writer.commit(outbox);
        applyPauses();
    }

    /** Whether a queued batch may still be created: neither the deployment's nor its tenant's limit holds it. */
    private boolean creatable() {
        return !spendGuard.holdsAll()
                && toCreate.stream()
                        .anyMatch(b -> !heldTenants.contains(b.lane().tenant()));
    }

    /** Shutdown: every lane becomes a batch, creates finish, and the final transaction commits. */
    public void drain(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        takeIn(validation.takeAll());
        primer.releaseAll(this::release);
        flushDue(true);
        createNotBefore = Instant.MIN;
        parked.clear(); // stopping: a batch found later for an unknown outcome is resolved by the next start
        while ((creatable() || creator.inFlight() > 0) && System.nanoTime() < deadline && fatal == null) {
            startCreates();
            creator.awaitIdle(Duration.ofMillis(50));
            settleOutcomes();
            writer.commit(outbox);
        }
        settleOutcomes();
        writer.commitNow(outbox);
    }

    /** From now on nothing more is committed, as after a crash (the consumer's close revokes without commit). */
    public void abandon() {
        abandoned = true;
    }

    /**
     * Stops the validation thread (records it still held were never applied and are read again) and the
     * transaction writer's (a transaction in flight ends first).
     */
    @Override
    public void close() {
        validation.close();
        primer.close();
        writer.close();
    }

    /** Set when the API refused the account: the submitter must stop. */
    public String fatal() {
        return fatal;
    }

    private void takeIn(List<ValidationStage.Decided> decided) {
        Instant now = clock.instant();
        Set<TopicPartition> gatedNow = new HashSet<>();
        for (ValidationStage.Decided v : decided) {
            TopicPartition tp = v.partition();
            ConsumerRecord<byte[], byte[]> r = v.record();
            if (gatedNow.contains(tp) || ledger.handedOffEarlier(tp, r.offset())) {
                continue;
            }
            metrics.consumed(r.topic());
            Intake.Decision d = v.decision();
            if (d instanceof Intake.NotDue notDue) {
                // Hold the retry partition at its head until due: pause + seek back, never sleep. Records of it
                // polled since are stale: the consumer delivers them again from here.
                gatedNow.add(tp);
                gated.put(tp, notDue.due());
                consumer.seek(tp, r.offset());
                validation.stale(tp);
                continue;
            }
            ledger.track(tp, r.offset());
            if (d instanceof Intake.Reject reject) {
                outcomes.deadLetter(reject, outbox);
            } else if (d instanceof Intake.Accept accept && !primer.hold(accept.lane(), accept.item())) {
                release(accept.lane(), accept.item());
                PendingBatch primed = primer.prime(lanes, accept.lane(), accept.item(), now);
                if (primed != null) {
                    queue(primed);
                }
            }
        }
    }

    private void settleOutcomes() {
        for (CreateOutcome o : creator.drain()) {
            if (o instanceof CreateOutcome.Created c) {
                creatingBytes -= c.batch().rawBytes();
                primer.created(c.batch(), c.created(), clock.instant());
                spendGuard.created(c.batch(), c.created().id());
                outcomes.created(c, outbox);
            } else if (o instanceof CreateOutcome.Rejected r) {
                release(r.batch());
                primer.notCreated(r.batch());
                outcomes.rejected(r, outbox);
            } else if (o instanceof CreateOutcome.Bisect b) {
                log.warn(
                        "the API rejected a batch of {} requests ({}); bisecting",
                        b.batch().items().size(),
                        b.message());
                metrics.createFailed("bisected");
                spendGuard.release(b.batch());
                List<PendingBatch> halves = b.batch().halves(creator.bisectMaxCalls(), b.message());
                toCreate.addFirst(halves.get(1)); // keep request order: the first half is tried first
                toCreate.addFirst(halves.get(0));
            } else if (o instanceof CreateOutcome.Abandoned a) {
                log.info(
                        "forgot a batch of {} requests created after their partitions were revoked",
                        a.batch().items().size());
                if (a.batchId() != null) { // it exists (an orphan, maybe cancelled after running some): keep counting
                    creatingBytes -= a.batch().rawBytes();
                    spendGuard.created(a.batch(), a.batchId());
                } else {
                    release(a.batch());
                }
                primer.notCreated(a.batch());
            } else if (o instanceof CreateOutcome.Transient t) {
                log.warn(
                        "creating a batch of {} requests failed ({}); retrying after {}",
                        t.batch().items().size(),
                        t.reason(),
                        t.retryAt());
                metrics.createFailed(t.outcomeUnknown() ? "outcome_unknown" : "transient");
                spendGuard.release(t.batch());
                toCreate.addFirst(t.batch());
                createNotBefore = t.retryAt();
                if (t.outcomeUnknown()) {
                    parked.put(t.batch(), clock.instant().plus(IntentRecovery.ADOPT_WITHIN));
                }
            } else if (o instanceof CreateOutcome.Fatal f) {
                log.error("stopping: {}", f.reason());
                metrics.createFailed("fatal");
                fatal = f.reason();
            }
        }
    }

    /** The batch leaves the creating buffer and its spend reservation without being created. */
    private void release(PendingBatch batch) {
        creatingBytes -= batch.rawBytes();
        spendGuard.release(batch);
    }

    /** A request goes into its lane (accepted, or released from behind a primer). */
    private void release(LaneKey lane, LaneItem item) {
        PendingBatch cut = lanes.add(lane, item, clock.instant());
        if (cut != null) {
            queueCut(cut);
        }
    }

    /**
     * Cuts lanes that lingered (all of them when {@code all}). Prefix packing lets a lane hold more than one batch
     * (a sub-lane per prefix): when the lanes alone pass the buffered-bytes bound, they are all cut now rather than
     * leaving intake paused until their linger.
     */
    private void flushDue(boolean all) {
        boolean relief = lanes.packing() == Lanes.Packing.PREFIX && lanes.bufferedBytes() > maxBufferedBytes;
        lanes.due(clock.instant(), all || relief).forEach(this::queueCut);
    }

    /** A batch cut from a lane: counted by prefix groups, then queued. */
    private void queueCut(PendingBatch batch) {
        metrics.packed(batch);
        queue(batch);
    }

    /**
     * Queues the batch for a create (identical requests made one item first, when de-duplication is on), split
     * first if its worst case alone exceeds a spend limit.
     *
     * @return the batch queued, or null when it was split or refused
     */
    private PendingBatch queue(PendingBatch batch) {
        PendingBatch b = creator.collapse(batch);
        List<PendingBatch> parts = refusals.fit(b, spendGuard, (one, problem) -> {
            outcomes.refused(one.items().get(0), problem, outbox);
            primer.notCreated(one);
        });
        parts.forEach(p -> {
            creatingBytes += p.rawBytes();
            toCreate.addLast(p);
        });
        return parts.size() == 1 && parts.get(0) == b ? b : null;
    }

    /** When a partition's commit metadata grows too long, flush the lane holding its watermark. */
    private void relieveWatermarks() {
        for (TopicPartition tp : consumer.assignment()) {
            if (ledger.metadataLength(tp) > MAX_METADATA_CHARS) {
                PendingBatch cut = lanes.cutLaneHolding(tp, ledger.watermark(tp));
                if (cut != null) {
                    queueCut(cut);
                } else if (primer.releaseHolding(tp, ledger.watermark(tp), this::release)) {
                    flushHolding(tp, ledger.watermark(tp));
                }
            }
        }
    }

    private void flushHolding(TopicPartition tp, long offset) {
        PendingBatch cut = lanes.cutLaneHolding(tp, offset);
        if (cut != null) {
            queueCut(cut);
        }
    }

    private void startCreates() {
        if (fatal != null || clock.instant().isBefore(createNotBefore)) {
            return;
        }
        Instant now = clock.instant();
        Set<String> held = new HashSet<>();
        Map<PendingBatch, PendingBatch> withoutRetries = new java.util.IdentityHashMap<>();
        java.util.Iterator<PendingBatch> it = toCreate.iterator();
        while (it.hasNext() && creator.hasCapacity()) {
            PendingBatch b = it.next();
            Instant until = parked.get(b);
            if (until != null && now.isBefore(until)) {
                continue; // the batch its last create may have made is being looked for; the others go on
            }
            if (held.contains(b.lane().tenant())) {
                deferRetries(b, withoutRetries);
                continue; // an earlier batch of its tenant waits: keep the tenant's order
            }
            if (!spendGuard.reserve(b)) {
                if (spendGuard.holdsAll()) {
                    break; // kept in place; intake pauses until spend is reconciled or the day rolls over
                }
                held.add(b.lane().tenant()); // its tenant's limit: that tenant waits, the others go on
                deferRetries(b, withoutRetries);
                continue;
            }
            it.remove();
            parked.remove(b);
            creator.submit(b);
        }
        if (!withoutRetries.isEmpty()) { // each in its place, without its retries (or gone: it had only retries)
            List<PendingBatch> queued = new java.util.ArrayList<>(toCreate);
            toCreate.clear();
            for (PendingBatch b : queued) {
                PendingBatch rest = withoutRetries.getOrDefault(b, b);
                if (rest != b) {
                    creatingBytes -= b.rawBytes();
                    creatingBytes += rest == null ? 0 : rest.rawBytes();
                }
                if (rest != null) {
                    toCreate.addLast(rest);
                }
            }
        }
        heldTenants = held;
    }

    /**
     * A batch of a tenant held by its spend limit: its requests from the retry topic go back to it, due later, so
     * that they do not hold the retry partitions every tenant shares ({@link SpendRefusals}). Not a batch whose
     * last create had an unknown outcome: its create intent names all its requests.
     */
    private void deferRetries(PendingBatch b, Map<PendingBatch, PendingBatch> withoutRetries) {
        if (!parked.containsKey(b)) {
            PendingBatch rest = refusals.deferRetries(b, outbox);
            if (rest != b) {
                withoutRetries.put(b, rest);
            }
        }
    }

    /**
     * Retry partitions wait for their head; everything pauses while buffers are full, creates back off, or the
     * spend guard holds the next batch.
     */
    private void applyPauses() {
        Instant now = clock.instant();
        gated.values().removeIf(due -> !due.isAfter(now));
        boolean backingOff = now.isBefore(createNotBefore) && !toCreate.isEmpty();
        boolean overSpend = spendGuard.holdsAll() && !toCreate.isEmpty();
        // A held tenant's waiting batches cannot grow (its request topics pause, its retries are deferred): they do
        // not take the buffer from the other tenants.
        intakePaused = bufferedBytes() - heldBytes() > maxBufferedBytes || backingOff || overSpend || fatal != null;
        Set<TopicPartition> want = new HashSet<>(intakePaused ? consumer.assignment() : gated.keySet());
        for (TopicPartition tp : consumer.assignment()) { // a tenant over its limit: its request topics wait
            if (heldTenants.contains(spendGuard.tenantOf(tp.topic()))) {
                want.add(tp);
            }
        }
        want.retainAll(consumer.assignment());
        Set<TopicPartition> paused = consumer.paused();
        Set<TopicPartition> resume = new HashSet<>(paused);
        resume.removeAll(want);
        want.removeAll(paused);
        if (!want.isEmpty()) {
            consumer.pause(want);
        }
        if (!resume.isEmpty()) {
            consumer.resume(resume);
        }
        bufferedSnapshot = bufferedBytes();
        lanesSnapshot = lanes.openLanes();
        pausedSnapshot = consumer.paused().size();
    }

    public boolean intakePaused() {
        return intakePaused;
    }

    /** False from a revocation until the next assignment (possibly empty): a rebalance is in progress. */
    public boolean assignmentSettled() {
        return assignmentSettled;
    }

    /** Bytes of the batches waiting for their tenant's spend limit. */
    private long heldBytes() {
        if (heldTenants.isEmpty()) {
            return 0;
        }
        long held = 0;
        for (PendingBatch b : toCreate) {
            if (heldTenants.contains(b.lane().tenant())) {
                held += b.rawBytes();
            }
        }
        return held;
    }

    long bufferedBytes() {
        return lanes.bufferedBytes() + creatingBytes + primer.heldBytes();
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
        Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(new HashSet<>(partitions));
        for (TopicPartition tp : partitions) {
            ledger.assigned(tp, committed.get(tp));
        }
        assignmentSettled = true;
    }

    /**
     * Creates already sent to the API are finished and committed under the current generation (their
     * tickets must not be lost); requests not yet sent are handed back: the new owner reads them again.
     */
    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
        assignmentSettled = false;
        if (abandoned) {
            onPartitionsLost(partitions);
            return;
        }
        boolean idle = false;
        try {
            idle = creator.awaitIdle(Duration.ofSeconds(60));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (!idle) {
            creator.revoked(partitions); // a create finishing later must not write a ticket for them
        }
        settleOutcomes();
        writer.commitNow(outbox);
        forget(partitions);
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
        if (abandoned) {
            outbox.clear(); // as a crash would
        } else {
            creator.lost(partitions);
            writer.discard(outbox, "partitions " + partitions + " were lost before the ticket was committed");
        }
        forget(partitions);
    }

    private void forget(Collection<TopicPartition> partitions) {
        Set<TopicPartition> gone = new HashSet<>(partitions);
        List<LaneItem> dropped = new java.util.ArrayList<>(lanes.removeIf(i -> gone.contains(i.partition())));
        dropped.addAll(primer.removeIf(i -> gone.contains(i.partition()), gone::contains));
        int size = toCreate.size();
        for (int k = 0; k < size; k++) {
            PendingBatch b = toCreate.pollFirst();
            Instant until = parked.remove(b);
            creatingBytes -= b.rawBytes();
            List<LaneItem> all = b.all().map(LaneItem::alone).toList(); // shared requests too: collapsed again
            List<LaneItem> kept =
                    all.stream().filter(i -> !gone.contains(i.partition())).toList();
            if (!kept.isEmpty()) {
                PendingBatch rest = queue(new PendingBatch(b.lane(), kept, b.firstAt()));
                if (rest != null && until != null && kept.size() == all.size()) {
                    parked.put(rest, until);
                }
            }
        }
        partitions.forEach(tp -> {
            ledger.revoked(tp);
            gated.remove(tp);
            validation.stale(tp);
        });
        if (!dropped.isEmpty()) {
            log.info("handed back {} buffered requests of revoked partitions {}", dropped.size(), partitions);
        }
    }
}
