package io.batchbridge.submitter.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.apache.kafka.common.TopicPartition;

/**
 * The open batches being assembled, per lane. A lane is cut into {@link PendingBatch}es when it reaches the
 * request count, would pass the body size, or has lingered long enough.
 *
 * <p>With {@link Packing#PREFIX}, a lane is a set of <em>sub-lanes</em>, one per prompt prefix fingerprint
 * ({@link io.batchbridge.common.records.PromptPrefix}), plus one for the requests without a breakpoint. Each
 * sub-lane has the lane rules of its own — it is cut alone when it reaches the request count or would pass the
 * body size — and the lane's linger, counted from its oldest request, cuts all its sub-lanes at once, packed
 * into as few batches as fit: whole sub-lanes, oldest first, each into the first batch with room. So within a
 * linger window every prefix's requests travel together in arrival order, in one batch (two only when the
 * prefix alone fills one), and a prefix is never spread over batches created at the same time. Requests without
 * a breakpoint form one sub-lane that behaves exactly as a lane did. {@link Packing#ARRIVAL} has that one
 * sub-lane only: first come, first batched, as before.
 */
public final class Lanes {
    /** How a lane's requests are grouped: by cache prefix, or first come first batched. */
    public enum Packing {
        PREFIX,
        ARRIVAL
    }

    private final int maxRequests;
    private final long maxBodyBytes;
    private final Duration linger;
    private final Packing packing;
    private final Map<LaneKey, Lane> lanes = new LinkedHashMap<>();
    private long bufferedBytes;

    /** First-come packing, as before prefix groups existed. */
    public Lanes(int maxRequests, long maxBodyBytes, Duration linger) {
        this(maxRequests, maxBodyBytes, linger, Packing.ARRIVAL);
    }

    public Lanes(int maxRequests, long maxBodyBytes, Duration linger, Packing packing) {
        this.maxRequests = maxRequests;
        this.maxBodyBytes = maxBodyBytes;
        this.linger = linger;
        this.packing = packing;
    }

    /** A sub-lane: the requests of one fingerprint (0: without one) in one lane, in arrival order. */
    private static final class Group {
        final List<LaneItem> items = new ArrayList<>();
        long bodyBytes;
        Instant firstAt;
    }

    private static final class Lane {
        final Map<Long, Group> groups = new LinkedHashMap<>();
        Instant firstAt;

        void refreshFirstAt() {
            firstAt = groups.values().stream()
                    .map(g -> g.firstAt)
                    .min(Instant::compareTo)
                    .orElse(null);
        }
    }

    /** Adds an item; returns a batch cut from its sub-lane when that is full (before or after the item). */
    public PendingBatch add(LaneKey key, LaneItem item, Instant now) {
        long group = groupOf(item);
        Lane lane = lanes.get(key);
        PendingBatch cut = null;
        Group g = lane == null ? null : lane.groups.get(group);
        if (g != null && g.bodyBytes + item.bodyBytes() > maxBodyBytes) {
            cut = cutGroup(key, group);
        }
        lane = lanes.computeIfAbsent(key, k -> new Lane());
        if (lane.groups.isEmpty()) {
            lane.firstAt = now;
        }
        g = lane.groups.computeIfAbsent(group, k -> new Group());
        if (g.items.isEmpty()) {
            g.firstAt = now;
        }
        g.items.add(item);
        g.bodyBytes += item.bodyBytes();
        bufferedBytes += item.raw().length;
        if (cut == null && g.items.size() >= maxRequests) {
            cut = cutGroup(key, group);
        }
        return cut;
    }

    private long groupOf(LaneItem item) {
        return packing == Packing.PREFIX ? item.request().prefix().fingerprint() : 0;
    }

    /** Requests of this prefix waiting in the lane (prefix packing only; 0 otherwise). */
    public int groupSize(LaneKey key, long fingerprint) {
        Lane lane = lanes.get(key);
        Group g = lane == null || packing != Packing.PREFIX || fingerprint == 0 ? null : lane.groups.get(fingerprint);
        return g == null ? 0 : g.items.size();
    }

    /** Takes this prefix's requests out of the lane, in arrival order (for priming); empty when there are none. */
    public List<LaneItem> takeGroup(LaneKey key, long fingerprint) {
        if (groupSize(key, fingerprint) == 0) {
            return List.of();
        }
        PendingBatch taken = cutGroup(key, fingerprint);
        return taken.items();
    }

    /** Batches of lanes that lingered long enough (or all of them, when {@code all}). */
    public List<PendingBatch> due(Instant now, boolean all) {
        List<PendingBatch> out = new ArrayList<>();
        for (LaneKey key : List.copyOf(lanes.keySet())) {
            Lane lane = lanes.get(key);
            if (all || !lane.firstAt.plus(linger).isAfter(now)) {
                out.addAll(cutLane(key));
            }
        }
        return out;
    }

    /** Cuts the sub-lane that holds a record of this partition at this offset, if any (watermark relief). */
    public PendingBatch cutLaneHolding(TopicPartition tp, long offset) {
        for (Map.Entry<LaneKey, Lane> e : lanes.entrySet()) {
            for (Map.Entry<Long, Group> g : e.getValue().groups.entrySet()) {
                for (LaneItem i : g.getValue().items) {
                    if (i.source().offset() == offset && i.partition().equals(tp)) {
                        return cutGroup(e.getKey(), g.getKey());
                    }
                }
            }
        }
        return null;
    }

    /** Drops items of revoked partitions; they were not handed off and the new owner reads them again. */
    public List<LaneItem> removeIf(Predicate<LaneItem> revoked) {
        List<LaneItem> removed = new ArrayList<>();
        for (Iterator<Map.Entry<LaneKey, Lane>> it = lanes.entrySet().iterator(); it.hasNext(); ) {
            Lane lane = it.next().getValue();
            for (Iterator<Group> gi = lane.groups.values().iterator(); gi.hasNext(); ) {
                Group g = gi.next();
                g.items.removeIf(i -> {
                    if (revoked.test(i)) {
                        removed.add(i);
                        g.bodyBytes -= i.bodyBytes();
                        bufferedBytes -= i.raw().length;
                        return true;
                    }
                    return false;
                });
                if (g.items.isEmpty()) {
                    gi.remove();
                }
            }
            if (lane.groups.isEmpty()) {
                it.remove();
            }
        }
        return removed;
    }

    /** One sub-lane, alone, into a batch. */
    private PendingBatch cutGroup(LaneKey key, long group) {
        Lane lane = lanes.get(key);
        Group g = lane.groups.remove(group);
        if (lane.groups.isEmpty()) {
            lanes.remove(key);
        } else {
            lane.refreshFirstAt();
        }
        bufferedBytes -= g.items.stream().mapToLong(i -> i.raw().length).sum();
        return new PendingBatch(key, g.items, packing == Packing.ARRIVAL ? lane.firstAt : g.firstAt);
    }

    /** The whole lane into as few batches as fit: whole sub-lanes, oldest first, each into the first with room. */
    private List<PendingBatch> cutLane(LaneKey key) {
        Lane lane = lanes.remove(key);
        List<List<Group>> batches = new ArrayList<>();
        List<long[]> sizes = new ArrayList<>(); // {requests, body bytes} per batch
        for (Group g : lane.groups.values()) {
            bufferedBytes -= g.items.stream().mapToLong(i -> i.raw().length).sum();
            int into = -1;
            for (int b = 0; b < batches.size() && into < 0; b++) {
                long[] size = sizes.get(b);
                if (size[0] + g.items.size() <= maxRequests && size[1] + g.bodyBytes <= maxBodyBytes) {
                    into = b;
                }
            }
            if (into < 0) {
                batches.add(new ArrayList<>());
                sizes.add(new long[2]);
                into = batches.size() - 1;
            }
            batches.get(into).add(g);
            sizes.get(into)[0] += g.items.size();
            sizes.get(into)[1] += g.bodyBytes;
        }
        List<PendingBatch> out = new ArrayList<>(batches.size());
        for (List<Group> groups : batches) {
            List<LaneItem> items = new ArrayList<>();
            Instant firstAt = null;
            for (Group g : groups) {
                items.addAll(g.items);
                firstAt = firstAt == null || g.firstAt.isBefore(firstAt) ? g.firstAt : firstAt;
            }
            out.add(new PendingBatch(key, items, packing == Packing.ARRIVAL ? lane.firstAt : firstAt));
        }
        return out;
    }

    /** Bytes of requests held by open lanes. */
    public long bufferedBytes() {
        return bufferedBytes;
    }

    public int openLanes() {
        return lanes.size();
    }

    public Set<LaneKey> keys() {
        return lanes.keySet();
    }

    public Packing packing() {
        return packing;
    }
}
