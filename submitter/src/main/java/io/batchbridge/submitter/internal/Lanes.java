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
 * The open batches being assembled, one per lane. A lane is cut into a {@link PendingBatch} when it
 * reaches the request count, would pass the body size, or has lingered long enough.
 */
public final class Lanes {
    private final int maxRequests;
    private final long maxBodyBytes;
    private final Duration linger;
    private final Map<LaneKey, Lane> lanes = new LinkedHashMap<>();
    private long bufferedBytes;

    public Lanes(int maxRequests, long maxBodyBytes, Duration linger) {
        this.maxRequests = maxRequests;
        this.maxBodyBytes = maxBodyBytes;
        this.linger = linger;
    }

    private static final class Lane {
        final List<LaneItem> items = new ArrayList<>();
        long bodyBytes;
        Instant firstAt;
    }

    /** Adds an item; returns a batch cut from its lane first when the item would not fit. */
    public PendingBatch add(LaneKey key, LaneItem item, Instant now) {
        Lane lane = lanes.computeIfAbsent(key, k -> new Lane());
        PendingBatch cut = null;
        if (!lane.items.isEmpty() && lane.bodyBytes + item.bodyBytes() > maxBodyBytes) {
            cut = cut(key);
            lane = lanes.computeIfAbsent(key, k -> new Lane());
        }
        if (lane.items.isEmpty()) {
            lane.firstAt = now;
        }
        lane.items.add(item);
        lane.bodyBytes += item.bodyBytes();
        bufferedBytes += item.raw().length;
        if (cut == null && lane.items.size() >= maxRequests) {
            cut = cut(key);
        }
        return cut;
    }

    /** Batches of lanes that lingered long enough (or all of them, when {@code all}). */
    public List<PendingBatch> due(Instant now, boolean all) {
        List<PendingBatch> out = new ArrayList<>();
        for (LaneKey key : List.copyOf(lanes.keySet())) {
            Lane lane = lanes.get(key);
            if (all || !lane.firstAt.plus(linger).isAfter(now)) {
                out.add(cut(key));
            }
        }
        return out;
    }

    /** Cuts the lane that holds a record of this partition at this offset, if any (watermark relief). */
    public PendingBatch cutLaneHolding(TopicPartition tp, long offset) {
        for (Map.Entry<LaneKey, Lane> e : lanes.entrySet()) {
            for (LaneItem i : e.getValue().items) {
                if (i.source().offset() == offset && i.partition().equals(tp)) {
                    return cut(e.getKey());
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
            lane.items.removeIf(i -> {
                if (revoked.test(i)) {
                    removed.add(i);
                    lane.bodyBytes -= i.bodyBytes();
                    bufferedBytes -= i.raw().length;
                    return true;
                }
                return false;
            });
            if (lane.items.isEmpty()) {
                it.remove();
            }
        }
        return removed;
    }

    private PendingBatch cut(LaneKey key) {
        Lane lane = lanes.remove(key);
        bufferedBytes -= lane.items.stream().mapToLong(i -> i.raw().length).sum();
        return new PendingBatch(key, List.copyOf(lane.items), lane.firstAt);
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
}
