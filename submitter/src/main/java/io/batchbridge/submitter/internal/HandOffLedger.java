package io.batchbridge.submitter.internal;

import java.util.HashMap;
import java.util.Map;
import java.util.NavigableSet;
import java.util.TreeSet;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * The submitter's ledger of consumed input offsets (request and retry topics) and which of them are handed off
 * to their next hop. Out-of-order hand-off, in-order commit. Lanes flush in any order, so a record at offset 9
 * may be ticketed while offset 7 still waits in another lane. The committed offset is therefore the lowest
 * offset not yet handed off — and, so that a restart does not hand off 9 a second time, the offsets already
 * handed off above it travel in the commit's metadata ({@code b1:} + ranges relative to the committed offset,
 * base 36). A new owner of the partition reads them back and skips those records. This is the approach of
 * Confluent's Parallel Consumer; Kafka bounds the metadata (4 KB by default), so the caller force-flushes the
 * lane that holds the watermark when {@link #metadataLength} grows.
 */
public final class HandOffLedger {
    static final String PREFIX = "b1:";

    private final Map<TopicPartition, PartitionLedger> partitions = new HashMap<>();

    /** Starts tracking a partition from its committed position (may be null: nothing committed yet). */
    public void assigned(TopicPartition tp, OffsetAndMetadata committed) {
        PartitionLedger p = new PartitionLedger();
        if (committed != null) {
            p.base = committed.offset();
            p.doneAbove.addAll(decode(committed.offset(), committed.metadata()));
        }
        partitions.put(tp, p);
    }

    public void revoked(TopicPartition tp) {
        partitions.remove(tp);
    }

    public boolean tracks(TopicPartition tp) {
        return partitions.containsKey(tp);
    }

    /** True when this record was handed off before the last restart or rebalance: skip it. */
    public boolean handedOffEarlier(TopicPartition tp, long offset) {
        PartitionLedger p = partitions.get(tp);
        if (p == null || !p.doneAbove.contains(offset)) {
            return false;
        }
        p.seen(offset);
        return true;
    }

    /** A consumed record not yet handed off. */
    public void track(TopicPartition tp, long offset) {
        PartitionLedger p = ledger(tp);
        p.pending.add(offset);
        p.seen(offset);
    }

    /** A consumed record that was never tracked and needs nothing (e.g. skipped): it completes at once. */
    public void seenAndDone(TopicPartition tp, long offset) {
        ledger(tp).seen(offset);
        ledger(tp).changed = true;
    }

    /** The record's next hop is durable (in the transaction being committed). */
    public void done(TopicPartition tp, long offset) {
        PartitionLedger p = partitions.get(tp);
        if (p != null && p.pending.remove(offset)) {
            p.doneAbove.add(offset);
            p.changed = true;
        }
    }

    /** The lowest offset of the partition not yet handed off, or -1. */
    public long watermark(TopicPartition tp) {
        PartitionLedger p = partitions.get(tp);
        return p == null || p.pending.isEmpty() ? -1 : p.pending.first();
    }

    /** Offsets to commit for partitions that changed since the last call; resets the change marks. */
    public Map<TopicPartition, OffsetAndMetadata> drainCommittable() {
        Map<TopicPartition, OffsetAndMetadata> out = new HashMap<>();
        partitions.forEach((tp, p) -> {
            if (p.changed) {
                out.put(tp, p.committable());
                p.changed = false;
            }
        });
        return out;
    }

    /** Length of the metadata the next commit of this partition would carry. */
    public int metadataLength(TopicPartition tp) {
        PartitionLedger p = partitions.get(tp);
        return p == null ? 0 : p.committable().metadata().length();
    }

    /** Records consumed but not yet handed off, over all partitions. */
    public int pendingCount() {
        return partitions.values().stream().mapToInt(p -> p.pending.size()).sum();
    }

    private PartitionLedger ledger(TopicPartition tp) {
        return partitions.computeIfAbsent(tp, k -> new PartitionLedger());
    }

    private static final class PartitionLedger {
        long base;
        long highestSeen = -1;
        final NavigableSet<Long> pending = new TreeSet<>();
        final NavigableSet<Long> doneAbove = new TreeSet<>();
        boolean changed;

        void seen(long offset) {
            highestSeen = Math.max(highestSeen, offset);
        }

        OffsetAndMetadata committable() {
            long commit = pending.isEmpty() ? Math.max(base, highestSeen + 1) : pending.first();
            doneAbove.headSet(commit, false).clear();
            base = Math.max(base, commit);
            return new OffsetAndMetadata(commit, encode(commit, doneAbove));
        }
    }

    static String encode(long base, NavigableSet<Long> done) {
        if (done.isEmpty()) {
            return "";
        }
        StringBuilder b = new StringBuilder(PREFIX);
        long start = -1;
        long prev = -2;
        for (long o : done) {
            if (o != prev + 1) {
                if (start >= 0) {
                    appendRange(b, base, start, prev);
                }
                start = o;
            }
            prev = o;
        }
        appendRange(b, base, start, prev);
        b.setLength(b.length() - 1);
        return b.toString();
    }

    private static void appendRange(StringBuilder b, long base, long from, long to) {
        b.append(Long.toString(from - base, 36));
        if (to > from) {
            b.append('-').append(Long.toString(to - from, 36));
        }
        b.append(',');
    }

    static NavigableSet<Long> decode(long base, String metadata) {
        NavigableSet<Long> out = new TreeSet<>();
        if (metadata == null || !metadata.startsWith(PREFIX)) {
            return out;
        }
        for (String range : metadata.substring(PREFIX.length()).split(",")) {
            if (range.isEmpty()) {
                continue;
            }
            int dash = range.indexOf('-');
            long from = base + Long.parseLong(dash < 0 ? range : range.substring(0, dash), 36);
            long len = dash < 0 ? 0 : Long.parseLong(range.substring(dash + 1), 36);
            for (long o = from; o <= from + len; o++) {
                out.add(o);
            }
        }
        return out;
    }
}
