package io.batchbridge.submitter.internal;

import io.batchbridge.client.BatchesClient;
import io.batchbridge.client.MessageBatch;
import io.batchbridge.common.records.Coordinates;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the batches a crash left at the API without a ticket, from the create intents left open.
 *
 * <p>The API's batch object carries no client tag, so a batch is recognised as ours by exclusion: the candidates
 * of an open intent are the account's batches created in the intent's time window (its time minus
 * {@link #SKEW}, to its time plus {@link #WINDOW}: server clocks, allowing for skew) with the intent's request
 * count, that <em>no</em> ticket on the batches topic names, that this process neither holds nor created, and that
 * nobody cancels already. A candidate is touched only if it is still without a ticket {@link #CONFIRM} after it
 * was found (another instance's create on its way to its ticket is left alone). Then:
 *
 * <ul>
 *   <li>no candidate: nothing was created; the intent is closed (an intent younger than {@link #LATE} stays open:
 *       a slow create may still be accepted);
 *   <li>the account is not declared dedicated ({@code bridge.api.account.<name>.dedicated}): another application's
 *       batch could match, so candidates are only reported ({@code outcome=reported}, ids in the log) and the
 *       intent is closed;
 *   <li>this instance's own intent with exactly one candidate, which no other intent of the pass matches: the batch
 *       is adopted — held for the intent's requests, which this instance reads again; the lane cut that holds them
 *       claims it and writes its ticket instead of creating it again ({@code outcome=adopted}); if they do not come
 *       back within the grace period it is cancelled;
 *   <li>otherwise (several candidates, a candidate of several intents — whose requests it holds is unknown —, the
 *       intent of another instance that never came back, or this instance's intent that nobody handles found by the
 *       sweep): every candidate is cancelled ({@code outcome=cancelled}) and the requests are created anew by
 *       whoever owns them.
 * </ul>
 *
 * <p>Three passes use it: {@link #recover} at start, {@link #resolveUnknown} every minute while running, and
 * {@link #sweep} every few minutes for intents nobody else resolves.
 */
public final class IntentRecovery {
    private static final Logger log = LoggerFactory.getLogger(IntentRecovery.class);
    /** Allowed clock skew between this host and the API. */
    static final Duration SKEW = Duration.ofMinutes(5);
    /** How long after an intent its create can have been accepted (call timeout, skew). */
    static final Duration WINDOW = Duration.ofMinutes(10);
    /**
     * How old this instance's own intent must be before it is resolved: a create still on its way when the
     * process died may be accepted a moment later. A restart after a crash in the window waits up to this long.
     */
    public static final Duration SETTLE = Duration.ofSeconds(10);
    /** An intent younger than this that finds no batch stays open (a slow create may still be accepted). */
    static final Duration LATE = Duration.ofMinutes(2);
    /**
     * How long a candidate must stay without a ticket before it is touched: another instance's create on its way
     * to its ticket (milliseconds, seconds when a broker fails over) gets it meanwhile and is left alone.
     */
    static final Duration CONFIRM = Duration.ofSeconds(15);
    /**
     * How long the loop holds back the retry of a create whose outcome was unknown: the time for the pass of
     * unknown outcomes to find the batch ({@link #SETTLE}, {@link #CONFIRM}) and hold it, with a margin.
     */
    public static final Duration ADOPT_WITHIN = SETTLE.plus(CONFIRM).plusSeconds(10);

    private final IntentTopics topics;
    private final String instance;
    private final Function<String, BatchesClient> clients;
    private final OrphanBatches orphans;
    private final IntentLog intents;
    private final SubmitterMetrics metrics;
    private final Clock clock;
    private final Duration foreignAge;
    private final Sleeper sleeper;

    /** How the waits of a pass ({@link #SETTLE}, {@link #CONFIRM}) pass: a real sleep, or a test's clock. */
    @FunctionalInterface
    interface Sleeper {
        void sleep(Duration d) throws InterruptedException;
    }

    /**
     * @param consumers read_committed consumers without a group
     * @param foreignAge how old another instance's open intent must be to be resolved here (that instance did not
     *     come back)
     */
    public IntentRecovery(
            Supplier<Consumer<byte[], byte[]>> consumers,
            String intentsTopic,
            String batchesTopic,
            String instance,
            Function<String, BatchesClient> clients,
            OrphanBatches orphans,
            IntentLog intents,
            SubmitterMetrics metrics,
            Clock clock,
            Duration foreignAge) {
        this(
                consumers,
                intentsTopic,
                batchesTopic,
                instance,
                clients,
                orphans,
                intents,
                metrics,
                clock,
                foreignAge,
                d -> Thread.sleep(d.toMillis()));
    }

    /** As the public constructor, with the waits passed by {@code sleeper} (tests). */
    IntentRecovery(
            Supplier<Consumer<byte[], byte[]>> consumers,
            String intentsTopic,
            String batchesTopic,
            String instance,
            Function<String, BatchesClient> clients,
            OrphanBatches orphans,
            IntentLog intents,
            SubmitterMetrics metrics,
            Clock clock,
            Duration foreignAge,
            Sleeper sleeper) {
        this.topics = new IntentTopics(consumers, intentsTopic, batchesTopic);
        this.instance = instance;
        this.clients = clients;
        this.orphans = orphans;
        this.intents = intents;
        this.metrics = metrics;
        this.clock = clock;
        this.foreignAge = foreignAge;
        this.sleeper = sleeper;
    }

    /**
     * At start, before the loop: resolves this instance's open intents (a single candidate is adopted) and other
     * instances' old ones; returns how many were resolved.
     */
    public int recover() {
        List<Intent> open = openIntents();
        settle(open);
        Instant now = clock.instant();
        List<Intent> todo =
                open.stream().filter(i -> own(i) || foreignAbandoned(i, now)).toList();
        int resolved = resolveAll(todo, true);
        if (resolved > 0) {
            log.info("resolved {} create intent(s) left open ({} open in all)", resolved, open.size());
        }
        return resolved;
    }

    /**
     * While running ({@link #SETTLE} after a create's outcome became unknown, and every minute): this process's
     * intents whose create outcome was unknown (a timeout, a connection cut after the body was sent, a 500) and
     * that are {@link #SETTLE} old. A single candidate is adopted: the loop holds the batch's retry back for
     * {@link #ADOPT_WITHIN}, so the retry claims the held batch instead of creating it again; if the retry went
     * out already, the held batch is not claimed and is cancelled after the grace period.
     */
    public int resolveUnknown() {
        Instant now = clock.instant();
        Set<String> held = orphans.heldIntentIds();
        List<Intent> todo = intents.unknown().stream()
                .filter(i -> !i.at().plus(SETTLE).isAfter(now) && !held.contains(i.id()))
                .toList();
        return resolveAll(todo, true);
    }

    /**
     * While running (every few minutes): every intent on the topic that nobody resolves — this instance's that it
     * is not handling now (left open at start because no batch was found yet, or a ticket transaction that failed),
     * and other instances' older than the foreign age (an instance that never came back: a scale-down).
     */
    public int sweep() {
        List<Intent> open = openIntents();
        Instant now = clock.instant();
        Set<String> held = orphans.heldIntentIds();
        List<Intent> todo = open.stream()
                .filter(i -> !held.contains(i.id()))
                .filter(i -> own(i)
                        ? !intents.active(i.id())
                                && !intents.watched(i.id()) // the pass of unknown outcomes may still adopt it
                                && !i.at().plus(SETTLE).isAfter(now)
                        : foreignAbandoned(i, now))
                .toList();
        return resolveAll(todo, false);
    }

    private boolean own(Intent i) {
        return i.instance().equals(instance);
    }

    private boolean foreignAbandoned(Intent i, Instant now) {
        return !own(i) && i.at().plus(foreignAge).isBefore(now);
    }

    /** Waits until this instance's youngest open intent is {@link #SETTLE} old (at most that long). */
    private void settle(List<Intent> open) {
        Instant youngest = open.stream()
                .filter(this::own)
                .map(Intent::at)
                .max(Instant::compareTo)
                .orElse(Instant.MIN);
        if (youngest.equals(Instant.MIN)) {
            return;
        }
        Duration wait = Duration.between(clock.instant(), youngest.plus(SETTLE));
        if (wait.isNegative() || wait.compareTo(SETTLE) > 0) {
            return;
        }
        log.info("a create was in flight when this instance stopped; waiting {} ms for it to settle", wait.toMillis());
        sleep(wait);
    }

    /** Every intent without a tombstone, read to the end of the intents topic. */
    List<Intent> openIntents() {
        return topics.openIntents();
    }

    /**
     * Finds each intent's candidates; those that have some are confirmed after {@link #CONFIRM} (a candidate that
     * got its ticket meanwhile was another instance's create on its way to its ticket) and then adopted, cancelled
     * or reported. Returns how many intents were resolved.
     */
    private int resolveAll(List<Intent> todo, boolean adoptOwn) {
        if (todo.isEmpty()) {
            return 0;
        }
        Instant from = todo.stream()
                .map(Intent::at)
                .min(Instant::compareTo)
                .orElseThrow()
                .minus(SKEW);
        Set<String> ticketed = ticketedSince(from); // read before listing: a batch ticketed in between is excluded
        Map<String, List<MessageBatch>> listed = new HashMap<>();
        Map<Intent, List<MessageBatch>> found = new LinkedHashMap<>();
        int resolved = 0;
        for (Intent i : todo) {
            BatchesClient client;
            try {
                client = clients.apply(i.lane().account());
            } catch (IllegalArgumentException e) {
                log.warn(
                        "create intent {} names account {}, which is not configured here; left open", i.id(), i.lane());
                continue;
            }
            List<MessageBatch> batches = listed.computeIfAbsent(i.lane().account(), a -> client.listCreatedSince(from));
            List<MessageBatch> candidates = candidates(i, batches, ticketed);
            if (!candidates.isEmpty()) {
                found.put(i, candidates);
            } else if (i.at().plus(LATE).isAfter(clock.instant())) {
                log.info("create intent {} ({} requests): no batch found yet; left open", i.id(), i.requestCount());
                intents.watch(i); // looked at again by the next pass of unknown outcomes
            } else {
                log.info(
                        "create intent {} ({} requests, {}): no batch was created for it",
                        i.id(),
                        i.requestCount(),
                        i.at());
                intents.close(i.id());
                resolved++;
            }
        }
        if (found.isEmpty()) {
            return resolved;
        }
        // a batch found for several intents: whose requests it holds is unknown, so it is adopted for none of them
        Map<String, Integer> intentsMatched = new HashMap<>();
        found.values().forEach(bs -> bs.forEach(b -> intentsMatched.merge(b.id(), 1, Integer::sum)));
        sleep(CONFIRM);
        Set<String> ticketedNow = ticketedSince(from);
        for (Map.Entry<Intent, List<MessageBatch>> e : found.entrySet()) {
            List<MessageBatch> confirmed = candidates(e.getKey(), e.getValue(), ticketedNow); // less those handled
            if (confirmed.isEmpty()) {
                log.info(
                        "create intent {}: the batch found was ticketed or taken for another intent meanwhile; left open",
                        e.getKey().id());
                intents.watch(e.getKey());
                continue;
            }
            boolean shared = confirmed.stream().anyMatch(b -> intentsMatched.get(b.id()) > 1);
            act(e.getKey(), confirmed, adoptOwn && own(e.getKey()) && !shared, shared);
            resolved++;
        }
        return resolved;
    }

    /**
     * The batches among {@code batches} created in the intent's window with its request count that no ticket
     * names, that this process neither holds nor created, and that nobody is cancelling already.
     */
    private List<MessageBatch> candidates(Intent i, List<MessageBatch> batches, Set<String> ticketed) {
        Instant from = i.at().minus(SKEW);
        Instant to = i.at().plus(WINDOW);
        Set<String> held = orphans.heldIds();
        List<MessageBatch> candidates = new ArrayList<>();
        for (MessageBatch b : batches) {
            if (b.createdAt() != null
                    && !b.createdAt().isBefore(from)
                    && !b.createdAt().isAfter(to)
                    && b.requestCounts() != null
                    && b.requestCounts().total() == i.requestCount()
                    && b.cancelInitiatedAt() == null
                    && !ticketed.contains(b.id())
                    && !held.contains(b.id())
                    && !intents.known(b.id())) {
                candidates.add(b);
            }
        }
        return candidates;
    }

    private void act(Intent i, List<MessageBatch> candidates, boolean adopt, boolean shared) {
        BatchesClient client = clients.apply(i.lane().account());
        List<String> ids = candidates.stream().map(MessageBatch::id).toList();
        if (!client.account().dedicated()) {
            candidates.forEach(b -> {
                metrics.orphan("reported");
                intents.handled(b.id());
            });
            log.warn(
                    "create intent {} ({} requests, {}) left open by a crash: batch(es) {} of account {} may be ours and"
                            + " run without a ticket (billed, never delivered); the account is not declared dedicated"
                            + " (bridge.api.account.{}.dedicated), so they are only reported",
                    i.id(),
                    i.requestCount(),
                    i.at(),
                    ids,
                    i.lane().account(),
                    i.lane().account());
            intents.close(i.id());
            return;
        }
        List<Coordinates> requests = List.copyOf(i.requests());
        if (adopt && candidates.size() == 1) {
            intents.held(i.id());
            orphans.adopt(
                    new OrphanBatches.Orphan(i.lane(), candidates.get(0), requests, i.sources(), i.id()),
                    "found for create intent " + i.id() + ", left open by a crash or an unknown create outcome");
            return;
        }
        String why = candidates.size() > 1
                ? candidates.size() + " batches match create intent " + i.id()
                : shared
                        ? "batch matches create intent " + i.id() + " and other open ones (whose requests it holds is"
                                + " unknown)"
                        : own(i)
                                ? "create intent " + i.id() + " of this instance that nobody handles (its requests were"
                                        + " created again)"
                                : "another instance's create intent " + i.id() + " left open by a crash";
        for (MessageBatch b : candidates) {
            intents.handled(b.id());
            if (b.ended()) {
                // a cancel changes nothing now: it was billed in full and its results are not delivered
                metrics.orphan("reported");
                log.warn(
                        "batch {} ({} requests) ran to its end without a ticket before it could be cancelled ({}):"
                                + " billed, never delivered",
                        b.id(),
                        i.requestCount(),
                        why);
            } else {
                orphans.cancel(new OrphanBatches.Orphan(i.lane(), b, requests, i.sources(), null), why);
            }
        }
        intents.close(i.id());
    }

    private void sleep(Duration d) {
        try {
            sleeper.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private Set<String> ticketedSince(Instant from) {
        return topics.ticketedSince(from);
    }
}
