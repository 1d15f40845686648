package io.batchbridge.submitter.internal;

import io.batchbridge.client.BatchesClient;
import io.batchbridge.client.MessageBatch;
import io.batchbridge.common.records.Coordinates;
import io.batchbridge.common.records.Echo;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Batches the API accepted whose ticket was not written with their requests' offsets (the transaction failed,
 * the partitions were lost or revoked before the create returned). The process knows their ids, so they are
 * never bought twice for the same requests: when the same requests form a batch again (after the rewind), the
 * held batch is {@linkplain #claim reused} for its ticket instead of a new create; a batch nobody claims within
 * the grace period, or still held at shutdown, is cancelled at the API. Each is counted once in
 * {@code bridge_submitter_orphan_batches_total{outcome}}, and the log names the cause. Outlives the clients'
 * generations; thread-safe.
 */
public final class OrphanBatches implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(OrphanBatches.class);

    /** A created batch and the requests it holds, in batch order. */
    public record Orphan(LaneKey lane, MessageBatch batch, List<Coordinates> requests) {
        public Orphan {
            requests = List.copyOf(requests);
        }
    }

    private record Held(Orphan orphan, String cause) {}

    private final Function<String, BatchesClient> clients;
    private final SubmitterMetrics metrics;
    private final Duration grace;
    private final Map<List<Coordinates>, Held> held = new ConcurrentHashMap<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "submitter-orphans");
        t.setDaemon(true);
        return t;
    });

    public OrphanBatches(Function<String, BatchesClient> clients, SubmitterMetrics metrics, Duration grace) {
        this.clients = clients;
        this.metrics = metrics;
        this.grace = grace;
    }

    /** Keeps a batch whose ticket was lost for reuse; cancels it if the same requests do not come back in time. */
    public void hold(Orphan o, String cause) {
        log.warn(
                "batch {} ({} requests, lane {}) exists at the API but its ticket was not written: {}; holding it"
                        + " for reuse by the same requests for {}, then cancelling it",
                o.batch().id(),
                o.requests().size(),
                o.lane(),
                Echo.of(cause, 1024),
                grace);
        Held h = new Held(o, cause);
        held.put(o.requests(), h);
        timer.schedule(() -> expire(h), grace.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The held batch of exactly these requests in this lane, taken for reuse (counted), or null. */
    public MessageBatch claim(LaneKey lane, List<Coordinates> requests) {
        if (held.isEmpty()) {
            return null;
        }
        Held h = held.get(requests);
        if (h == null || !h.orphan().lane().equals(lane) || !held.remove(requests, h)) {
            return null;
        }
        metrics.orphan("reused");
        log.info(
                "reusing batch {} for its {} requests instead of creating it again",
                h.orphan().batch().id(),
                requests.size());
        return h.orphan().batch();
    }

    /** Cancels a batch at once (e.g. its requests now belong to another submitter). */
    public void cancel(Orphan o, String cause) {
        String account = o.lane().account();
        String id = o.batch().id();
        try {
            clients.apply(account).cancel(id);
            metrics.orphan("cancelled");
            log.warn("cancelled batch {} at the API: its ticket was not written ({})", id, Echo.of(cause, 1024));
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
        if (held.remove(h.orphan().requests(), h)) {
            cancel(h.orphan(), h.cause() + "; its requests did not form the same batch again within " + grace);
        }
    }

    /** Cancels every batch still held: the next owner of the requests creates them anew. */
    @Override
    public void close() {
        timer.shutdownNow();
        for (List<Coordinates> k : List.copyOf(held.keySet())) {
            Held h = held.remove(k);
            if (h != null) {
                cancel(h.orphan(), h.cause() + "; the submitter stopped");
            }
        }
    }
}
