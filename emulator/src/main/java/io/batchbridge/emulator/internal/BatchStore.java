package io.batchbridge.emulator.internal;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;

/** All batches, by id and by creation order (newest first for listing). Deleted batches stay as cursors. */
public final class BatchStore {
    private final Map<String, BatchRecord> byId = new ConcurrentHashMap<>();
    private final ConcurrentSkipListMap<Long, BatchRecord> bySequence = new ConcurrentSkipListMap<>();
    private final AtomicLong sequence = new AtomicLong();

    public long nextSequence() {
        return sequence.incrementAndGet();
    }

    public void add(BatchRecord batch) {
        byId.put(batch.id(), batch);
        bySequence.put(batch.sequence(), batch);
    }

    /** The live (not deleted) batch with this id, or a 404 with the API's message. */
    public BatchRecord get(String id) {
        BatchRecord b = byId.get(id);
        if (b == null || b.deleted()) {
            throw ApiError.notFound("Message Batch " + id + " not found.");
        }
        return b;
    }

    /** A page of live batches, newest first, after ({@code older}) or before a cursor batch. */
    public List<BatchRecord> page(String afterId, String beforeId, int limit, boolean[] hasMore) {
        ConcurrentNavigableMap<Long, BatchRecord> range;
        boolean newerFirst = true;
        if (beforeId != null) {
            range = bySequence.tailMap(cursor(beforeId), false);
            newerFirst = false;
        } else if (afterId != null) {
            range = bySequence.headMap(cursor(afterId), false).descendingMap();
        } else {
            range = bySequence.descendingMap();
        }
        List<BatchRecord> out = new ArrayList<>();
        Iterator<BatchRecord> it = range.values().iterator();
        hasMore[0] = false;
        while (it.hasNext()) {
            BatchRecord b = it.next();
            if (b.deleted()) {
                continue;
            }
            if (out.size() == limit) {
                hasMore[0] = true;
                break;
            }
            out.add(b);
        }
        if (!newerFirst) {
            Collections.reverse(out);
        }
        return out;
    }

    private long cursor(String id) {
        BatchRecord b = byId.get(id);
        if (b == null) {
            throw ApiError.notFound("Message Batch " + id + " not found.");
        }
        return b.sequence();
    }
}
