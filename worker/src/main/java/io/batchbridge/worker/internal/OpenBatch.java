package io.batchbridge.worker.internal;

import io.batchbridge.client.MessageBatch;
import io.batchbridge.common.records.Coordinates;
import io.batchbridge.common.records.Ticket;
import io.batchbridge.common.records.TicketItem;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;

/**
 * One API batch this worker tracks: its ticket parts (and their offsets on the batches topic), the routing facts
 * of every request indexed by batch {@code custom_id}, the latest batch object seen, and the committed fan-out
 * checkpoint. The tracker and fan-out threads hand it to each other; a batch is only ever worked on by one
 * thread at a time, and {@link #revoke()} is how the poll thread tells them to stop.
 */
public final class OpenBatch {
    private final String batchId;
    private final TopicPartition partition;
    private final Ticket[] parts;
    private final long[] offsets;
    private final Instant trackedAt;
    private int received;
    private Map<String, Integer> index;
    private List<TicketItem> items;
    private List<Coordinates> sources;
    private volatile MessageBatch batch;
    private volatile Checkpoint checkpoint = Checkpoint.empty();
    private volatile boolean revoked;
    private volatile boolean resultsUnavailable;
    private int polls;
    private int notFound;
    private Instant endedSeenAt;

    public OpenBatch(String batchId, TopicPartition partition, int parts, Instant trackedAt) {
        this.batchId = batchId;
        this.partition = partition;
        this.parts = new Ticket[parts];
        this.offsets = new long[parts];
        this.trackedAt = trackedAt;
    }

    /** Adds one ticket record; returns true when every part has arrived and the batch can be tracked. */
    public boolean addPart(Ticket t, long offset) {
        if (t.parts() != parts.length || parts[t.part()] != null) {
            throw new IllegalArgumentException("ticket part " + t.part() + "/" + t.parts() + " of batch " + batchId
                    + " does not fit the parts seen so far");
        }
        parts[t.part()] = t;
        offsets[t.part()] = offset;
        received++;
        if (received == parts.length) {
            buildIndex();
            return true;
        }
        return false;
    }

    private void buildIndex() {
        int n = 0;
        for (Ticket t : parts) {
            n += t.items().size();
        }
        index = new HashMap<>(n * 4 / 3 + 1);
        items = new ArrayList<>(n);
        sources = new ArrayList<>(n);
        for (Ticket t : parts) {
            for (TicketItem i : t.items()) {
                index.put(i.batchCustomId(), items.size());
                items.add(i);
                sources.add(i.source(t.sources()));
            }
        }
    }

    public String batchId() {
        return batchId;
    }

    public TopicPartition partition() {
        return partition;
    }

    public Ticket ticket() {
        return parts[0];
    }

    public String account() {
        return parts[0].account();
    }

    /** The offsets of every ticket record of this batch. */
    public List<Long> offsets() {
        List<Long> out = new ArrayList<>(offsets.length);
        for (long o : offsets) {
            out.add(o);
        }
        return out;
    }

    public long maxOffset() {
        long max = -1;
        for (long o : offsets) {
            max = Math.max(max, o);
        }
        return max;
    }

    /** The item index of a batch {@code custom_id}, or -1 when the ticket does not know it. */
    public int indexOf(String batchCustomId) {
        Integer i = index.get(batchCustomId);
        return i == null ? -1 : i;
    }

    public int itemCount() {
        return items.size();
    }

    public TicketItem item(int i) {
        return items.get(i);
    }

    /** Where the submitted record of item {@code i} lives (a request or a retry record). */
    public Coordinates source(int i) {
        return sources.get(i);
    }

    public MessageBatch batch() {
        return batch;
    }

    public void batch(MessageBatch b) {
        this.batch = b;
    }

    public Checkpoint checkpoint() {
        return checkpoint;
    }

    public void checkpoint(Checkpoint c) {
        this.checkpoint = c;
    }

    public boolean revoked() {
        return revoked;
    }

    public void revoke() {
        revoked = true;
    }

    public boolean resultsUnavailable() {
        return resultsUnavailable;
    }

    public void markResultsUnavailable() {
        resultsUnavailable = true;
    }

    public Instant trackedAt() {
        return trackedAt;
    }

    public Instant expiresAt() {
        return parts[0].expiresAt();
    }

    /** Retrieves that found the batch still in progress (drives the poll interval). */
    public synchronized int polls() {
        return polls;
    }

    public synchronized void polled() {
        polls++;
        notFound = 0;
    }

    /** Counts a 404 on retrieve; returns the consecutive count. */
    public synchronized int notFound() {
        return ++notFound;
    }

    public synchronized Instant endedSeenAt() {
        return endedSeenAt;
    }

    public synchronized void endedSeenAt(Instant at) {
        if (endedSeenAt == null) {
            endedSeenAt = at;
        }
    }

    @Override
    public String toString() {
        return "OpenBatch[batch_id=" + batchId + ", tickets=" + partition + "@" + offsets() + "]";
    }
}
