package io.batchbridge.submitter.internal;

import io.batchbridge.client.BatchesApiException;
import io.batchbridge.client.BatchesClient;
import io.batchbridge.client.CreateBody;
import io.batchbridge.client.MessageBatch;
import io.batchbridge.common.lifecycle.Threads;
import io.batchbridge.common.records.Coordinates;
import io.batchbridge.common.records.DeadLetterReason;
import io.batchbridge.common.records.Echo;
import io.batchbridge.common.records.TicketItem;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates API batches off the poll thread (invariant 3: the poll loop never waits on the API). Outcomes
 * are queued for the poll thread, which owns the consumer and the transactional producer. Every failure is
 * attributed: a request that cannot be part of a batch is refused before the create ({@link CreateScreen}), a
 * batch that cannot be turned into an HTTP request is refused, API answers are classified ({@link #classify}).
 */
public final class BatchCreator implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(BatchCreator.class);

    /**
     * @param bisectMaxCalls create calls one rejected batch may spend isolating the request(s) the API refuses
     */
    /**
     * @param dedup the de-duplication of identical requests ({@code bridge.submitter.dedup.enabled}), or null
     */
    public record Settings(
            Duration backoff, long spoolThresholdBytes, int maxInFlight, int bisectMaxCalls, Duplicates dedup) {
        public Settings(Duration backoff, long spoolThresholdBytes, int maxInFlight, int bisectMaxCalls) {
            this(backoff, spoolThresholdBytes, maxInFlight, bisectMaxCalls, null);
        }
    }

    private final Function<String, BatchesClient> clients;
    private final Settings settings;
    private final ExecutorService executor;
    private final Queue<CreateOutcome> outcomes = new ConcurrentLinkedQueue<>();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final ReentrantLock idleLock = new ReentrantLock();
    private final Condition idle = idleLock.newCondition();
    private final TicketBuilder tickets;
    private final CreateScreen screen;
    private final OrphanBatches orphans;
    private final IntentLog intents;
    private final SubmitterMetrics metrics;
    private final CreateClassifier classifier;
    /** Revocations while creates were still in flight: partition → revocation number. */
    private final Map<TopicPartition, Long> revokedAt = new ConcurrentHashMap<>();

    private long revocations;

    /** Builds a created batch's ticket records (thread-safe); see {@link OutcomeHandler#tickets}. */
    @FunctionalInterface
    public interface TicketBuilder {
        List<ProducerRecord<byte[], byte[]>> build(PendingBatch batch, MessageBatch created, List<String> sources);
    }

    public BatchCreator(
            Function<String, BatchesClient> clients,
            Clock clock,
            Settings settings,
            TicketBuilder tickets,
            TicketParts ticketParts,
            OrphanBatches orphans,
            SubmitterMetrics metrics) {
        this(clients, clock, settings, tickets, ticketParts, orphans, IntentLog.NONE, metrics);
    }

    /** @param intents where each create's intent is written before the call */
    public BatchCreator(
            Function<String, BatchesClient> clients,
            Clock clock,
            Settings settings,
            TicketBuilder tickets,
            TicketParts ticketParts,
            OrphanBatches orphans,
            IntentLog intents,
            SubmitterMetrics metrics) {
        this.intents = intents;
        this.clients = clients;
        this.settings = settings;
        this.tickets = tickets;
        this.screen = new CreateScreen(ticketParts);
        this.orphans = orphans;
        this.metrics = metrics;
        this.classifier = new CreateClassifier(clock, settings.backoff());
        this.executor = Executors.newFixedThreadPool(settings.maxInFlight(), Threads.numbered("submitter-create"));
    }

    public boolean hasCapacity() {
        return inFlight.get() < settings.maxInFlight();
    }

    public int inFlight() {
        return inFlight.get();
    }

    /** The create calls one rejected batch may spend on bisection. */
    /** The batch with identical requests made one API item when de-duplication is on; else the batch. */
    public PendingBatch collapse(PendingBatch batch) {
        return settings.dedup() == null ? batch : settings.dedup().collapse(batch);
    }

    public int bisectMaxCalls() {
        return settings.bisectMaxCalls();
    }

    public void submit(PendingBatch batch) {
        inFlight.incrementAndGet();
        long submittedAt = revocationCount();
        try {
            executor.execute(() -> run(batch, submittedAt));
        } catch (java.util.concurrent.RejectedExecutionException closed) {
            finished(); // never ran: it must not count as in flight
            throw closed;
        }
    }

    private void run(PendingBatch batch, long submittedAt) {
        try {
            report(create(batch), submittedAt);
        } catch (RuntimeException e) {
            // create() returns once the API accepted a batch; a failure here happened before any call
            log.error(
                    "unexpected failure preparing a batch of {} requests in lane {}; retrying later",
                    batch.items().size(),
                    batch.lane(),
                    e);
            report(
                    List.of(new CreateOutcome.Transient(batch, classifier.retryAt(null), e.toString(), false)),
                    submittedAt);
        } finally {
            finished();
        }
    }

    private void finished() {
        if (inFlight.decrementAndGet() == 0) {
            idleLock.lock();
            try {
                idle.signalAll();
            } finally {
                idleLock.unlock();
            }
        }
    }

    /** Outcomes ready for the poll thread. */
    public List<CreateOutcome> drain() {
        List<CreateOutcome> out = new ArrayList<>();
        for (CreateOutcome o; (o = outcomes.poll()) != null; ) {
            out.add(o);
        }
        return out;
    }

    /**
     * Partitions revoked while creates were in flight: those creates' requests now belong to the next owner, so
     * their outcomes are {@link CreateOutcome.Abandoned}, and a batch the API accepts for them is an orphan.
     */
    public synchronized void revoked(Collection<TopicPartition> partitions) {
        revocations++;
        partitions.forEach(tp -> revokedAt.put(tp, revocations));
    }

    /**
     * Partitions <em>lost</em> (the consumer was expelled from its group): as {@link #revoked}, and the outcomes
     * already reported but not yet taken by the poll thread are no longer this instance's either — a created batch
     * among them becomes an orphan instead of being ticketed after the loss, which the partitions' new owner would
     * duplicate (found by the production-topology chaos: a thawed zombie submitter).
     */
    public synchronized void lost(Collection<TopicPartition> partitions) {
        revoked(partitions);
        List<CreateOutcome> kept = new ArrayList<>();
        for (CreateOutcome o; (o = outcomes.poll()) != null; ) {
            boolean touches = o.batch().all().anyMatch(i -> partitions.contains(i.partition()));
            kept.add(touches ? abandon(o, "lost before its ticket was written") : o);
        }
        outcomes.addAll(kept);
    }

    private synchronized long revocationCount() {
        return revocations;
    }

    private synchronized void report(List<CreateOutcome> results, long submittedAt) {
        for (CreateOutcome o : results) {
            boolean late = o.batch().all().anyMatch(i -> revokedAt.getOrDefault(i.partition(), 0L) > submittedAt);
            outcomes.add(late ? abandon(o, "revoked while it was being created") : o);
        }
    }

    /** The outcome of requests that are no longer this instance's: a batch the API created is held as an orphan. */
    private CreateOutcome abandon(CreateOutcome o, String when) {
        if (o instanceof CreateOutcome.Created c) {
            orphans.hold(orphan(c), "the partitions of its requests were " + when);
            return new CreateOutcome.Abandoned(o.batch(), c.created().id());
        }
        return new CreateOutcome.Abandoned(o.batch(), null);
    }

    static OrphanBatches.Orphan orphan(CreateOutcome.Created c) {
        return new OrphanBatches.Orphan(
                c.batch().lane(),
                c.created(),
                c.batch().items().stream().map(LaneItem::source).toList(),
                c.sources(),
                c.intentId());
    }

    List<CreateOutcome> create(PendingBatch batch) {
        CreateScreen.Screened s = screen.screen(batch);
        List<CreateOutcome> out = new ArrayList<>(2);
        List<CreateOutcome.Refusal> refused = new ArrayList<>(s.refused());
        CreateOutcome.Rejected knownRejected = s.kept() == null ? null : classifier.knownRejectedBetas(s.kept());
        if (knownRejected != null) {
            refused.addAll(knownRejected.refused());
        } else if (s.kept() != null) {
            Bisection bisection = s.kept().bisection();
            if (bisection != null && !bisection.tryCall()) {
                refused.addAll(CreateClassifier.budgetSpent(s.kept(), bisection).refused());
            } else {
                if (bisection != null) {
                    metrics.bisectCall();
                }
                out.addAll(createOrReuse(s.kept(), refused));
            }
        }
        if (!refused.isEmpty()) {
            out.add(
                    0,
                    new CreateOutcome.Rejected(
                            batch.with(refused.stream()
                                    .map(CreateOutcome.Refusal::item)
                                    .toList()),
                            refused));
        }
        return out;
    }

    /**
     * The outcomes of the kept requests: held batches that hold only requests of this batch are claimed for them
     * (their tickets are written instead of a create), the rest is created under a create intent; requests the
     * body refuses are added to {@code refused}.
     */
    private List<CreateOutcome> createOrReuse(PendingBatch batch, List<CreateOutcome.Refusal> refused) {
        List<CreateOutcome> out = new ArrayList<>(2);
        PendingBatch rest = batch;
        List<LaneItem> spill = new ArrayList<>();
        for (OrphanBatches.Claimed c : orphans.claimWithin(batch)) {
            OrphanBatches.Orphan o = c.orphan();
            intents.created(o.intentId(), o.batch().id()); // no longer held, not yet ticketed: still ours
            PendingBatch claimed = c.batch().with(Duplicates.within(c.batch().items(), o.sources(), spill));
            out.add(new CreateOutcome.Created(
                    claimed,
                    o.batch(),
                    o.sources(),
                    Duration.ZERO,
                    ticketsOrNull(claimed, o.batch(), o.sources()),
                    o.intentId()));
            java.util.Set<Coordinates> taken = new java.util.HashSet<>(o.requests());
            rest = rest.with(rest.items().stream()
                    .filter(i -> !taken.contains(i.source()))
                    .toList());
        }
        if (!spill.isEmpty()) { // shared requests its ticket cannot name: sent on their own
            List<LaneItem> more = new ArrayList<>(rest.items());
            more.addAll(spill);
            rest = rest.with(more);
        }
        if (!rest.items().isEmpty()) {
            CreateOutcome o = create(rest, refused);
            if (o != null) {
                out.add(o);
            }
        }
        return out;
    }

    private CreateOutcome create(PendingBatch batch, List<CreateOutcome.Refusal> refused) {
        long t0 = System.nanoTime();
        int refusedBefore = refused.size();
        PendingBatch sent = batch; // what the API is asked for: the batch less the requests the body refused
        String intentId = null;
        try (CreateBodies b = CreateBodies.assemble(batch, settings.spoolThresholdBytes(), refused)) {
            if (b.kept().isEmpty()) {
                return null;
            }
            sent = b.kept().size() == batch.items().size() ? batch : batch.with(b.kept());
            intentId = intents.open(sent, b.sources());
            MessageBatch created = send(sent, b.body().build());
            intents.created(intentId, created.id());
            Duration latency = Duration.ofNanos(System.nanoTime() - t0);
            return new CreateOutcome.Created(
                    sent, created, b.sources(), latency, ticketsOrNull(sent, created, b.sources()), intentId);
        } catch (BatchesApiException e) {
            CreateOutcome o = classifier.classify(sent, e);
            if (o instanceof CreateOutcome.Transient t && t.outcomeUnknown()) {
                intents.outcomeUnknown(intentId); // resolved while the process runs (IntentRecovery.resolveUnknown)
            } else {
                intents.close(intentId); // the API created nothing
            }
            return o;
        } catch (NotSendable e) {
            intents.close(intentId);
            return CreateOutcome.Rejected.all(
                    sent,
                    DeadLetterReason.INVALID_FIELD,
                    "the batch cannot be turned into an HTTP request: "
                            + Echo.of(e.getCause().getMessage()));
        } catch (IntentLog.NotWritten e) {
            // infrastructure: the create is not called without its intent; the whole batch is tried again
            refused.subList(refusedBefore, refused.size()).clear();
            return new CreateOutcome.Transient(batch, classifier.retryAt(null), e.getMessage(), false);
        } catch (IOException | java.io.UncheckedIOException e) {
            // infrastructure: the local disk, never the API (nothing was sent); the whole batch is tried again
            refused.subList(refusedBefore, refused.size()).clear();
            return new CreateOutcome.Transient(
                    batch, classifier.retryAt(null), "cannot spool a create body: " + e, false);
        }
    }

    private MessageBatch send(PendingBatch batch, CreateBody body) {
        BatchesClient client = clients.apply(batch.lane().account());
        try {
            return client.create(body, batch.lane().betas());
        } catch (IllegalArgumentException e) {
            throw new NotSendable(e); // building the HTTP request failed: nothing was sent
        }
    }

    /** A batch that cannot be turned into an HTTP request (thrown before anything is sent). */
    private static final class NotSendable extends RuntimeException {
        private static final long serialVersionUID = 1L;

        NotSendable(RuntimeException cause) {
            super(cause);
        }
    }

    /**
     * The batch exists at the API now: a failure here must not look like a failed create (it would be created
     * again), so the poll thread gets null and builds the tickets itself.
     */
    private List<ProducerRecord<byte[], byte[]>> ticketsOrNull(
            PendingBatch batch, MessageBatch created, List<String> sources) {
        try {
            return tickets.build(batch, created, List.copyOf(sources));
        } catch (RuntimeException e) {
            log.warn("cannot build the ticket of batch {} off the poll thread; the poll thread will", created.id(), e);
            return null;
        }
    }

    static String batchCustomId(LaneItem item, List<String> sources) {
        int index = sources.indexOf(item.source().topic());
        if (index < 0) {
            sources.add(item.source().topic());
            index = sources.size() - 1;
        }
        return TicketItem.batchCustomId(
                index, item.source().partition(), item.source().offset());
    }

    @Override
    public void close() {
        executor.shutdown();
    }

    /** Waits for creates in flight (shutdown, revocation); false when they did not finish in time. */
    public boolean awaitIdle(Duration timeout) throws InterruptedException {
        long left = timeout.toNanos();
        idleLock.lock();
        try {
            while (inFlight.get() > 0) {
                if (left <= 0) {
                    return false;
                }
                left = idle.awaitNanos(left); // signalled by the create that leaves none in flight
            }
            return true;
        } finally {
            idleLock.unlock();
        }
    }
}
