package io.batchbridge.submitter.internal;

import io.batchbridge.client.BatchesClient;
import io.batchbridge.client.MessageBatch;
import io.batchbridge.common.lifecycle.Threads;
import io.batchbridge.common.records.Coordinates;
import io.batchbridge.common.records.Echo;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Batches the API accepted whose ticket was not written with their requests' offsets (the transaction failed,
 * the partitions were lost or revoked before the create returned), and batches found after a restart from an
 * intent left open ({@link IntentRecovery}). They are never bought twice for the same requests: when requests
 * that include all of a held batch's requests are cut from a lane again, the held batch is {@linkplain
 * #claimWithin claimed} for them (its ticket is written instead of a new create); a batch nobody claims within the
 * grace period, or still held at shutdown, is cancelled at the API. Each is counted once in {@code
 * bridge_submitter_orphan_batches_total{outcome}} ({@code reused}, {@code adopted}, {@code cancelled}), and the
 * log names the cause. Outlives the clients' generations; thread-safe.
 */
public final class OrphanBatches implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(OrphanBatches.class);

    /**
     * A created batch and the requests it holds.
     *
     * @param sources the source topics in the order that made its batch {@code custom_id}s (its ticket needs them)
     * @param intentId its create intent, closed with its ticket or once it is cancelled; null when none
     */
    public record Orphan(
            LaneKey lane, MessageBatch batch, List<Coordinates> requests, List<String> sources, String intentId) {
        public Orphan {
            requests = List.copyOf(requests);
            sources = List.copyOf(sources);
        }
    }

    /** A held batch claimed for the items of a new lane cut that hold all its requests. */
    public record Claimed(Orphan orphan, PendingBatch batch) {}

    private record Held(Orphan orphan, String cause, String outcomeOnClaim) {}

    private final Function<String, BatchesClient> clients;
    private final SubmitterMetrics metrics;
    private final Duration grace;
    private final Map<String, Held> held = new ConcurrentHashMap<>();
    private final ScheduledExecutorService timer =
            Executors.newSingleThreadScheduledExecutor(Threads.daemon("submitter-orphans"));
    private volatile Consumer<String> intentClosed = id -> {};

    public OrphanBatches(Function<String, BatchesClient> clients, SubmitterMetrics metrics, Duration grace) {
        this.clients = clients;
        this.metrics = metrics;
        this.grace = grace;
    }

    /** Where the intent of a cancelled batch is closed. */
    public void onIntentClosed(Consumer<String> closer) {
        this.intentClosed = closer;
    }

    public Duration grace() {
        return grace;
    }

    /** Keeps a batch whose ticket was lost for reuse; cancels it if the same requests do not come back in time. */
    public void hold(Orphan o, String cause) {
        hold(o, cause, "reused");
    }

    /** Keeps a batch found after a restart for adoption by its requests ({@code adopted} when claimed). */
    public void adopt(Orphan o, String cause) {
        hold(o, cause, "adopted");
    }

    private void hold(Orphan o, String cause, String outcomeOnClaim) {
        log.warn(
                "batch {} ({} requests, lane {}) exists at the API but its ticket was not written: {}; holding it"
                        + " for its requests for {}, then cancelling it",
                o.batch().id(),
                o.requests().size(),
                o.lane(),
                Echo.of(cause, 1024),
                grace);
        Held h = new Held(o, cause, outcomeOnClaim);
        held.put(o.batch().id(), h);
        timer.schedule(() -> expire(h), grace.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * The held batches of {@code lane} whose requests are all among {@code batch}'s items, taken for them
     * (counted): each with the part of {@code batch} it covers, in batch order.
     */
    public List<Claimed> claimWithin(PendingBatch batch) {
        if (held.isEmpty()) {
            return List.of();
        }
        Map<Coordinates, LaneItem> items = new HashMap<>();
        batch.items().forEach(i -> items.put(i.source(), i));
        List<Claimed> claimed = new ArrayList<>();
        for (Held h : held.values()) {
            Orphan o = h.orphan();
            if (!o.lane().equals(batch.lane()) || !items.keySet().containsAll(o.requests())) {
                continue;
            }
            if (!held.remove(o.batch().id(), h)) {
                continue;
            }
            Set<Coordinates> mine = new HashSet<>(o.requests());
            List<LaneItem> part = batch.items().stream()
                    .filter(i -> mine.contains(i.source()))
                    .toList();
            mine.forEach(items::remove);
            metrics.orphan(h.outcomeOnClaim());
            log.info(
                    "{} batch {} for its {} requests instead of creating it again",
                    h.outcomeOnClaim().equals("adopted") ? "adopting" : "reusing",
                    o.batch().id(),
                    part.size());
            claimed.add(new Claimed(o, batch.with(part)));
        }
        return claimed;
    }

    /** Ids of the create intents of the batches held now: closed with their ticket or their cancel, not before. */
    public Set<String> heldIntentIds() {
        Set<String> ids = new HashSet<>();
        held.values().forEach(h -> {
            if (h.orphan().intentId() != null) {
                ids.add(h.orphan().intentId());
            }
        });
        return ids;
    }

    /** Ids of the batches held now (they are this process's, not candidates of an open intent). */
    public Set<String> heldIds() {
        return Set.copyOf(held.keySet());
    }

    /** Cancels a batch at once (e.g. its requests now belong to another submitter), and closes its intent. */
    public void cancel(Orphan o, String cause) {
        String account = o.lane().account();
        String id = o.batch().id();
        try {
            clients.apply(account).cancel(id);
            metrics.orphan("cancelled");
            log.warn("cancelled batch {} at the API: its ticket was not written ({})", id, Echo.of(cause, 1024));
            if (o.intentId() != null) {
                intentClosed.accept(o.intentId());
            }
        } catch (RuntimeException e) {
            log.error(
                    "batch {} of account {} exists at the API without a ticket ({}) and could not be cancelled: {}",
                    id,
                    account,
                    Echo.of(cause, 1024),
                    e.toString());
        }
    }

    int heldCount() {
        return held.size();
    }

    private void expire(Held h) {
        if (held.remove(h.orphan().batch().id(), h)) {
            cancel(h.orphan(), h.cause() + "; its requests did not form a batch again within " + grace);
        }
    }

    /** Cancels every batch still held: the next owner of the requests creates them anew. */
    @Override
    public void close() {
        timer.shutdownNow();
        for (String k : List.copyOf(held.keySet())) {
            Held h = held.remove(k);
            if (h != null) {
                cancel(h.orphan(), h.cause() + "; the submitter stopped");
            }
        }
    }
}
