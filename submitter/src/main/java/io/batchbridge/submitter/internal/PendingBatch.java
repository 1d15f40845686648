package io.batchbridge.submitter.internal;

import java.time.Instant;
import java.util.List;

/**
 * Requests cut from a lane, on their way to becoming one API batch.
 *
 * @param firstAt when the first of them arrived (for the time-to-create metric)
 * @param bisection the budget shared with the batch this one was split from, or null when it was not
 */
public record PendingBatch(LaneKey lane, List<LaneItem> items, Instant firstAt, Bisection bisection) {
    public PendingBatch {
        items = List.copyOf(items);
    }

    public PendingBatch(LaneKey lane, List<LaneItem> items, Instant firstAt) {
        this(lane, items, firstAt, null);
    }

    /** Bytes of every record the batch stands for (requests sharing another's answer included). */
    public long rawBytes() {
        return all().mapToLong(i -> i.raw().length).sum();
    }

    /** Every record the batch stands for: its items and the requests sharing their answers. */
    public java.util.stream.Stream<LaneItem> all() {
        return items.stream().flatMap(LaneItem::all);
    }

    public long bodyBytes() {
        return items.stream().mapToLong(LaneItem::bodyBytes).sum() + 16;
    }

    /** The same batch (lane, arrival, budget) with other items: a part of it. */
    public PendingBatch with(List<LaneItem> part) {
        return new PendingBatch(lane, part, firstAt, bisection);
    }

    /**
     * The two halves, for isolating the request(s) an API rejects; they share one {@link Bisection} budget of
     * {@code maxCalls} create calls (the budget this batch already shares, if it is a half itself).
     */
    public List<PendingBatch> halves(int maxCalls, String answer) {
        Bisection b = bisection != null ? bisection : new Bisection(maxCalls, answer);
        b.answered(answer);
        int mid = items.size() / 2;
        return List.of(
                new PendingBatch(lane, items.subList(0, mid), firstAt, b),
                new PendingBatch(lane, items.subList(mid, items.size()), firstAt, b));
    }
}
