package io.batchbridge.submitter.internal;

import io.batchbridge.common.model.SpendEntry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A spend ledger in memory for guard tests: one shared {@link Log} (the topic) and a read position per ledger (per
 * submitter instance), so several guards share one limit as they would through Kafka.
 */
final class MemorySpendLedger implements SpendLedger {
    /** The topic: records in write order; {@code down} makes every read and write fail. */
    static final class Log {
        final List<Map.Entry<String, byte[]>> records = new ArrayList<>();
        boolean down;
        /** Runs once, just before the next durable write lands (to interleave another instance's reservation). */
        Runnable beforeNextWrite;

        void append(String key, SpendEntry entry) {
            records.add(Map.entry(key, entry.toJson()));
        }

        List<SpendEntry> entries(String keyPrefix) {
            return records.stream()
                    .filter(e -> e.getKey().startsWith(keyPrefix))
                    .map(e -> SpendEntry.fromJson(e.getValue()))
                    .toList();
        }
    }

    private final Log log;
    private int position;

    MemorySpendLedger(Log log) {
        this.log = log;
    }

    @Override
    public void catchUp(SpendTally tally) {
        if (log.down) {
            throw new Unavailable("the ledger is down", null);
        }
        for (; position < log.records.size(); position++) {
            Map.Entry<String, byte[]> r = log.records.get(position);
            tally.apply(r.getKey(), SpendEntry.fromJson(r.getValue()));
        }
    }

    @Override
    public void write(String key, SpendEntry entry) {
        if (log.down) {
            throw new Unavailable("the ledger is down", null);
        }
        Runnable before = log.beforeNextWrite;
        log.beforeNextWrite = null;
        if (before != null) {
            before.run();
        }
        log.append(key, entry);
    }

    @Override
    public void writeLater(String key, SpendEntry entry) {
        if (!log.down) {
            log.append(key, entry);
        }
    }

    @Override
    public void close() {}
}
