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
 * The open batches being assembled, one per lane. A lane is cut into a {@link PendingBatch} when it reaches the
 * request count, would pass the body size, or has lingered long enough.
 *
 * <p>Inside a lane, requests are kept in <em>prefix groups</em>: those that share a prompt prefix fingerprint
 * ({@link io.batchbridge.common.records.PromptPrefix}) sit together, in arrival order; requests without one are
 * one group. Every cut takes whole groups, oldest group first, so a batch holds a group's requests next to each
 * other. With {@link Packing#PREFIX}, a cut forced by size (count or bytes) keeps back the group of the request
 * that forced it — the one still growing — so its requests stay together in the lane's next batch instead of
 * being split at the boundary; every other group goes. A group that alone fills a batch is cut by itself. The
 * lane's linger still runs from its oldest request, and a lane is still one open batch at a time, so no request
 * waits longer than it did, and a group never spreads over batches created at once. Requests without a
 * fingerprint are never kept back. {@link Packing#ARRIVAL} puts every request in one group: today's first-come
 * batches, exactly.
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

    /** Requests of one fingerprint (0: without one) in one lane, in arrival order. */
    private static final class Group {
        final List<LaneItem> items = new ArrayList<>();
        long bodyBytes;
        Instant firstAt;
    }

    private static final class Lane {
        final Map<Long, Group> groups = new LinkedHashMap<>();
        int count;
        long bodyBytes;
        Instant firstAt;
    }

    /** Adds an item; returns a batch cut from its lane when the lane is full (before or after the item). */
    public PendingBatch add(LaneKey key, LaneItem item, Instant now) {
        long group = groupOf(item);
        Lane lane = lanes.get(key);
        PendingBatch cut = null;
        if (lane != null && lane.bodyBytes + item.bodyBytes() > maxBodyBytes) {
            Group own = group == 0 ? null : lane.groups.get(group);
            boolean keepOwn = own != null && own.bodyBytes + item.bodyBytes() <= maxBodyBytes;
            cut = cut(key, keepOwn ? group : null);
        }
        lane = lanes.computeIfAbsent(key, k -> new Lane());
        if (lane.count == 0) {
            lane.firstAt = now;
        }
        Group g = lane.groups.computeIfAbsent(group, k -> new Group());
        if (g.items.isEmpty()) {
            g.firstAt = now;
        }
        g.items.add(item);
        g.bodyBytes += item.bodyBytes();
        lane.count++;
        lane.bodyBytes += item.bodyBytes();
        bufferedBytes += item.raw().length;
        if (cut == null && lane.count >= maxRequests) {
            boolean keepOwn = group != 0 && g.items.size() < lane.count;
            cut = cut(key, keepOwn ? group : null);
        }
        return cut;
    }

    private long groupOf(LaneItem item) {
        return packing == Packing.PREFIX ? item.request().prefix().fingerprint() : 0;
    }

    /** Batches of lanes that lingered long enough (or all of them, when {@code all}). */
    public List<PendingBatch> due(Instant now, boolean all) {
        List<PendingBatch> out = new ArrayList<>();
        for (LaneKey key : List.copyOf(lanes.keySet())) {
            Lane lane = lanes.get(key);
            if (all || !lane.firstAt.plus(linger).isAfter(now)) {
                out.add(cut(key, null));
            }
        }
        return out;
    }

    /** Cuts the lane that holds a record of this partition at this offset, if any (watermark relief). */
    public PendingBatch cutLaneHolding(TopicPartition tp, long offset) {
        for (Map.Entry<LaneKey, Lane> e : lanes.entrySet()) {
            for (Group g : e.getValue().groups.values()) {
                for (LaneItem i : g.items) {
                    if (i.source().offset() == offset && i.partition().equals(tp)) {
                        return cut(e.getKey(), null);
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
                        lane.bodyBytes -= i.bodyBytes();
                        lane.count--;
                        bufferedBytes -= i.raw().length;
                        return true;
                    }
                    return false;
                });
                if (g.items.isEmpty()) {
                    gi.remove();
                }
            }
            if (lane.count == 0) {
                it.remove();
            }
        }
        return removed;
    }

    /**
     * Cuts the lane's groups, oldest first, into one batch; the group {@code keep} (if not null) stays open as the
     * lane, lingering from its own first request.
     */
    private PendingBatch cut(LaneKey key, Long keep) {
        Lane lane = lanes.get(key);
        Group kept = keep == null ? null : lane.groups.get(keep);
        List<LaneItem> items = new ArrayList<>(lane.count - (kept == null ? 0 : kept.items.size()));
        Instant firstAt = null;
        for (Group g : lane.groups.values()) {
            if (g != kept) {
                items.addAll(g.items);
                firstAt = firstAt == null || g.firstAt.isBefore(firstAt) ? g.firstAt : firstAt;
            }
        }
        firstAt = kept == null ? lane.firstAt : firstAt;
        if (kept == null) {
            lanes.remove(key);
        } else {
            lane.groups.clear();
            lane.groups.put(keep, kept);
            lane.count = kept.items.size();
            lane.bodyBytes = kept.bodyBytes;
            lane.firstAt = kept.firstAt;
        }
        bufferedBytes -= items.stream().mapToLong(i -> i.raw().length).sum();
        return new PendingBatch(key, items, firstAt);
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
