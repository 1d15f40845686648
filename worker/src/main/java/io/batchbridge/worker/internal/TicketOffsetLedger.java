package io.batchbridge.worker.internal;

import java.util.Collection;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;

/**
 * The worker's ledger of the ticket offsets of one batches-topic partition. Out-of-order completion, in-order
 * commit (as Decaton does): every ticket offset handed to the tracker is registered; batches end in any order
 * and complete their offsets; the committable offset is the lowest offset not yet complete (or one past the
 * highest registered offset when all are complete). A batch of several parts registers and completes each
 * part's record.
 *
 * <p>Thread-safe: the poll thread registers offsets while fan-out threads complete them.
 */
public final class TicketOffsetLedger {
    private final TreeMap<Long, Boolean> offsets = new TreeMap<>();
    private long next;

    /** @param position the consumer's position at assignment: the offset to commit while nothing is complete */
    public TicketOffsetLedger(long position) {
        this.next = position;
    }

    public synchronized void register(long offset) {
        offsets.putIfAbsent(offset, Boolean.FALSE);
        next = Math.max(next, offset + 1);
    }

    public synchronized void complete(Collection<Long> done) {
        for (Long o : done) {
            if (offsets.containsKey(o)) {
                offsets.put(o, Boolean.TRUE);
            }
        }
    }

    /** The offset to commit now: every offset below it is complete. */
    public synchronized long committable() {
        return committableWith(java.util.List.of());
    }

    /** The offset that would be committable if {@code alsoDone} were complete too (the batch being committed). */
    public synchronized long committableWith(Collection<Long> alsoDone) {
        for (Map.Entry<Long, Boolean> e : offsets.entrySet()) {
            if (!e.getValue() && !alsoDone.contains(e.getKey())) {
                return e.getKey();
            }
        }
        return next;
    }

    /** Forgets completed offsets below a committed offset; the ledger keeps only what is still open. */
    public synchronized void pruneBelow(long committed) {
        offsets.headMap(committed).entrySet().removeIf(Map.Entry::getValue);
    }

    /** The lowest offset still open, if any (for the oldest-open-ticket view). */
    public synchronized OptionalLong lowestOpen() {
        for (Map.Entry<Long, Boolean> e : offsets.entrySet()) {
            if (!e.getValue()) {
                return OptionalLong.of(e.getKey());
            }
        }
        return OptionalLong.empty();
    }

    public synchronized int size() {
        return offsets.size();
    }
}
