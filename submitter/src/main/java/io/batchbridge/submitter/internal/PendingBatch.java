package io.batchbridge.submitter.internal;

import java.time.Instant;
import java.util.List;

/**
 * Requests cut from a lane, on their way to becoming one API batch.
 *
 * @param firstAt when the first of them arrived (for the time-to-create metric)
 */
public record PendingBatch(LaneKey lane, List<LaneItem> items, Instant firstAt) {
    public PendingBatch {
        items = List.copyOf(items);
    }

    public long rawBytes() {
        return items.stream().mapToLong(i -> i.raw().length).sum();
    }

    public long bodyBytes() {
        return items.stream().mapToLong(LaneItem::bodyBytes).sum() + 16;
    }

    /** The two halves, for isolating the request(s) an API rejects. */
    public List<PendingBatch> halves() {
        int mid = items.size() / 2;
        return List.of(
                new PendingBatch(lane, items.subList(0, mid), firstAt),
                new PendingBatch(lane, items.subList(mid, items.size()), firstAt));
    }
}
