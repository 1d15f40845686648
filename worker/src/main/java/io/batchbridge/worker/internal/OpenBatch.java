package io.batchbridge.worker.internal;

import io.batchbridge.client.MessageBatch;
import io.batchbridge.common.records.Coordinates;
import io.batchbridge.common.records.Problem;
import io.batchbridge.common.records.Ticket;
import io.batchbridge.common.records.TicketItem;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.common.TopicPartition;

/**
 * One API batch this worker tracks. While it is open the worker keeps only what tracking needs — its id, ticket
 * partition and offsets, account, betas, times, request count, the latest batch object seen, the committed
 * fan-out checkpoint and its {@link BatchStage} — a few hundred bytes whatever the number of requests. The
 * routing facts of its requests (the ticket items, indexed by batch {@code custom_id}) lie durably in its ticket
 * records; they are held only while its parts assemble and while a fan-out thread works on it ({@link #load},
 * {@link #unload}), so the worker's heap grows with the open batches and the fan-out threads, not with the open
 * requests.
 *
 * <p>The tracker and fan-out threads hand it to each other through the {@link BatchLifecycle}, so a batch is
 * only ever worked on by one thread at a time; a revocation moves it to {@link BatchStage#REVOKED}, which is how
 * the poll thread tells them to stop.
 */
public final class OpenBatch {
    private final String batchId;
    private final TopicPartition partition;
    private final int expectedParts;
    /** Parts by index while they arrive (sized by what was received, never by what a ticket claims); then null. */
    private TreeMap<Integer, Ticket> parts = new TreeMap<>();

    private final TreeMap<Integer, Long> offsets = new TreeMap<>();
    private final Instant trackedAt;
    private volatile boolean assembled;
    private String account;
    private List<String> betas;
    private Instant createdAt;
    private Instant expiresAt;
    private int requestCount;
    /** The routing facts, while a fan-out works on the batch (or its parts assemble); else null. */
    private volatile Contents contents;

    private volatile MessageBatch batch;
    private volatile Checkpoint checkpoint = Checkpoint.empty();
    private final AtomicReference<BatchStage> stage = new AtomicReference<>(BatchStage.ASSEMBLING);
    private volatile boolean resultsUnavailable;
    private volatile boolean checkpointUnknown;
    /** Items whose result a send refused (too large for its topic, not authorized): dead-lettered from then on. */
    private final Map<Integer, Problem> undeliverable = new ConcurrentHashMap<>();

    private int polls;
    private int notFound;
    private Instant endedSeenAt;

    /**
     * The ticket items of every part, in part order, indexed by batch {@code custom_id} (items the API holds only),
     * and the de-duplicated items sharing each one's answer ({@link TicketItem#sharedWith}), by item index.
     */
    private record Contents(
            Map<String, Integer> index,
            List<TicketItem> items,
            List<Coordinates> sources,
            Map<Integer, int[]> sharing,
            Thread owner) {}

    private static final int[] NONE = new int[0];

    public OpenBatch(String batchId, TopicPartition partition, int parts, Instant trackedAt) {
        this.batchId = batchId;
        this.partition = partition;
        this.expectedParts = parts;
        this.trackedAt = trackedAt;
    }

    /**
     * Adds one ticket record; returns true when every part has arrived and the batch can be tracked. The parts
     * are then checked as a set and let go: {@link #load} reads them back for the fan-out.
     *
     * @throws IllegalArgumentException when this part contradicts the parts seen so far (another part count,
     *     request count, account or time, an index seen before): the part alone is not taken
     * @throws IllegalStateException when the last part arrived but the parts cannot make one batch (their items
     *     do not add up to the request count, or one {@code custom_id} is in two parts): the whole set is unusable
     */
    public synchronized boolean addPart(Ticket t, long offset) {
        if (assembled) {
            throw new IllegalArgumentException("batch " + batchId + " already has all its parts");
        }
        Ticket first = parts.isEmpty() ? t : parts.firstEntry().getValue();
        if (t.parts() != expectedParts
                || parts.containsKey(t.part())
                || !t.batchId().equals(batchId)
                || t.requestCount() != first.requestCount()
                || !t.account().equals(first.account())
                || !t.betas().equals(first.betas())
                || !t.createdAt().equals(first.createdAt())
                || !t.expiresAt().equals(first.expiresAt())) {
            throw new IllegalArgumentException("ticket part " + t.part() + "/" + t.parts() + " of batch " + batchId
                    + " does not fit the " + parts.size() + " part(s) seen so far");
        }
        if (parts.isEmpty()) {
            account = t.account();
            betas = List.copyOf(t.betas());
            createdAt = t.createdAt();
            expiresAt = t.expiresAt();
            requestCount = t.requestCount();
        }
        parts.put(t.part(), t);
        offsets.put(t.part(), offset);
        if (parts.size() == expectedParts) {
            contents(parts.values()); // checks the set; the contents are not kept
            parts = null;
            assembled = true;
            return true;
        }
        return false;
    }

    /** True once every part arrived (the batch is tracked or fanned out). */
    public boolean complete() {
        return assembled;
    }

    /**
     * Loads the routing facts from the batch's ticket parts, read back from the batches topic, for a fan-out.
     *
     * @throws IllegalStateException when the parts are not this batch's parts any more (they cannot be, unless
     *     the topic was rewritten): the batch cannot be fanned out
     */
    public void load(List<Ticket> readBack) {
        if (readBack.size() != expectedParts) {
            throw new IllegalStateException("batch " + batchId + " has " + readBack.size() + " readable ticket part(s)"
                    + " of " + expectedParts);
        }
        TreeMap<Integer, Ticket> byPart = new TreeMap<>();
        for (Ticket t : readBack) {
            if (!t.batchId().equals(batchId) || t.requestCount() != requestCount || byPart.put(t.part(), t) != null) {
                throw new IllegalStateException("the ticket records of batch " + batchId + " changed");
            }
        }
        contents = contents(byPart.values());
    }

    /**
     * Lets the routing facts go if the calling thread loaded them (the fan-out thread is done with the batch for
     * now; another thread that took it over since keeps its own).
     */
    public void unload() {
        Contents c = contents;
        if (c != null && c.owner() == Thread.currentThread()) {
            contents = null;
        }
    }

    /** True while the routing facts are held for the calling thread (each fan-out loads its own). */
    public boolean loaded() {
        Contents c = contents;
        return c != null && c.owner() == Thread.currentThread();
    }

    /** The offsets of the ticket parts, in part order (what {@link #load} must read back). */
    public synchronized List<Long> partOffsets() {
        return new ArrayList<>(offsets.values());
    }

    private Contents contents(java.util.Collection<Ticket> all) {
        int n = 0;
        for (Ticket t : all) {
            n += t.items().size();
        }
        if (n != requestCount) {
            throw new IllegalStateException("the " + expectedParts + " part(s) of batch " + batchId + " hold " + n
                    + " items for a request count of " + requestCount);
        }
        Map<String, Integer> byId = new HashMap<>(n * 4 / 3 + 1);
        List<TicketItem> items = new ArrayList<>(n);
        List<Coordinates> where = new ArrayList<>(n);
        for (Ticket t : all) {
            for (TicketItem i : t.items()) {
                if (byId.put(i.batchCustomId(), items.size()) != null) {
                    throw new IllegalStateException(
                            "batch " + batchId + " has item " + i.batchCustomId() + " in two parts");
                }
                items.add(i);
                where.add(i.source(t.sources()));
            }
        }
        return new Contents(byId, items, where, sharing(byId, items), Thread.currentThread());
    }

    /**
     * Items that share another's answer, by the index of the item whose answer they share; that item must be one
     * of this batch the API holds (not sharing itself), else the batch cannot be fanned out. Shared items leave
     * the index: a results line never names them.
     */
    private Map<Integer, int[]> sharing(Map<String, Integer> byId, List<TicketItem> items) {
        Map<Integer, List<Integer>> found = new HashMap<>();
        for (int k = 0; k < items.size(); k++) {
            String leader = items.get(k).sharedWith();
            if (leader == null) {
                continue;
            }
            Integer at = byId.get(leader);
            if (at == null || items.get(at).sharedWith() != null) {
                throw new IllegalStateException(
                        "batch " + batchId + " has item " + items.get(k).batchCustomId() + " sharing the answer of "
                                + leader + ", which is no answered item of the batch");
            }
            found.computeIfAbsent(at, x -> new ArrayList<>()).add(k);
        }
        if (found.isEmpty()) {
            return Map.of();
        }
        Map<Integer, int[]> out = new HashMap<>(found.size() * 4 / 3 + 1);
        found.forEach((leaderAt, riders) ->
                out.put(leaderAt, riders.stream().mapToInt(Integer::intValue).toArray()));
        for (List<Integer> riders : found.values()) {
            riders.forEach(k -> byId.remove(items.get(k).batchCustomId()));
        }
        return out;
    }

    private Contents loadedContents() {
        Contents c = contents;
        if (c == null) {
            throw new IllegalStateException("the routing facts of batch " + batchId + " are not loaded");
        }
        return c;
    }

    public String batchId() {
        return batchId;
    }

    public TopicPartition partition() {
        return partition;
    }

    public String account() {
        return account;
    }

    public List<String> betas() {
        return betas;
    }

    /** When the submitter created the batch (its ticket's {@code created_at}). */
    public Instant createdAt() {
        return createdAt;
    }

    public int requestCount() {
        return requestCount;
    }

    /** The offsets of every ticket record of this batch received so far. */
    public synchronized List<Long> offsets() {
        return new ArrayList<>(offsets.values());
    }

    public synchronized long maxOffset() {
        return offsets.values().stream().mapToLong(Long::longValue).max().orElse(-1);
    }

    /** The item index of a batch {@code custom_id}, or -1 when the ticket does not know it. */
    public int indexOf(String batchCustomId) {
        Integer i = loadedContents().index().get(batchCustomId);
        return i == null ? -1 : i;
    }

    /** The items sharing item {@code i}'s answer (de-duplicated requests); empty for most. */
    public int[] sharing(int i) {
        return loadedContents().sharing().getOrDefault(i, NONE);
    }

    public int itemCount() {
        return requestCount;
    }

    /** Item {@code i}'s routing facts (only while {@link #loaded}). */
    public TicketItem item(int i) {
        return loadedContents().items().get(i);
    }

    /** Where the submitted record of item {@code i} lives (a request or a retry record). */
    public Coordinates source(int i) {
        return loadedContents().sources().get(i);
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

    /** True once its partition was revoked: whatever runs for it stops. */
    public boolean revoked() {
        return stage.get() == BatchStage.REVOKED;
    }

    public BatchStage stage() {
        return stage.get();
    }

    /** Moves it from {@code from} to {@code to}; false when it is not in {@code from} (only {@link BatchLifecycle}). */
    boolean move(BatchStage from, BatchStage to) {
        return stage.compareAndSet(from, to);
    }

    /** Moves it to {@code to} from any stage that is not terminal; false when it already ended. */
    boolean end(BatchStage to) {
        for (BatchStage s = stage.get(); !s.terminal(); s = stage.get()) {
            if (stage.compareAndSet(s, to)) {
                return true;
            }
        }
        return false;
    }

    /** True after a commit of unknown outcome: the checkpoint held here must be re-read from Kafka first. */
    public boolean checkpointUnknown() {
        return checkpointUnknown;
    }

    public void checkpointUnknown(boolean unknown) {
        checkpointUnknown = unknown;
    }

    public boolean resultsUnavailable() {
        return resultsUnavailable;
    }

    public void markResultsUnavailable() {
        resultsUnavailable = true;
    }

    /** Marks item {@code i}'s result as undeliverable for {@code why}; false when it was marked already. */
    public boolean markUndeliverable(int i, Problem why) {
        return undeliverable.putIfAbsent(i, why) == null;
    }

    /** Why item {@code i}'s result cannot be delivered, or null. */
    public Problem undeliverable(int i) {
        return undeliverable.get(i);
    }

    public Instant trackedAt() {
        return trackedAt;
    }

    public Instant expiresAt() {
        return expiresAt;
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
        return "OpenBatch[batch_id=" + batchId + ", " + stage.get() + ", tickets=" + partition + "@" + offsets() + "]";
    }
}
