package io.batchbridge.worker.internal;

import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The open transaction of one batch's fan-out: what has been sent in it, and the delivered set it will commit.
 * {@code delivered} starts as the committed checkpoint's set; after an abort the fan-out starts over from the
 * committed checkpoint, so a record sent in an aborted transaction is simply sent again.
 */
final class FanoutTxn {
    private final Producer<byte[], byte[]> producer;
    private final LongSupplier nanoTime;
    private final BitSet delivered;
    private final Map<String, Long> counts = new LinkedHashMap<>();
    private boolean open;
    private long openedAt;
    private int lines;
    private long bytes;
    private long totalLines;
    private long totalBytes;

    FanoutTxn(Producer<byte[], byte[]> producer, Checkpoint committed) {
        this(producer, committed, System::nanoTime);
    }

    /** @param nanoTime the clock of the age bound (tests pass their own) */
    FanoutTxn(Producer<byte[], byte[]> producer, Checkpoint committed, LongSupplier nanoTime) {
        this.producer = producer;
        this.nanoTime = nanoTime;
        this.delivered = committed.delivered();
        this.totalLines = committed.lines();
    }

    void begin() {
        if (!open) {
            producer.beginTransaction();
            open = true;
            openedAt = nanoTime.getAsLong();
        }
    }

    void send(ProducerRecord<byte[], byte[]> r) {
        begin();
        producer.send(r);
        long size = (r.value() == null ? 0 : r.value().length) + (r.key() == null ? 0 : r.key().length);
        bytes += size;
        totalBytes += size;
    }

    boolean isDelivered(int item) {
        return delivered.get(item);
    }

    /** Records the outcome of item {@code item} (sent in this transaction) under {@code outcome}. */
    void delivered(int item, String outcome) {
        delivered.set(item);
        lines++;
        counts.merge(outcome, 1L, Long::sum);
    }

    void lineRead() {
        totalLines++;
    }

    /** True when the open transaction reached one of its bounds: lines, bytes or age. */
    boolean full(FanoutSettings limits) {
        return open
                && (lines >= limits.txnMaxLines()
                        || bytes >= limits.txnMaxBytes()
                        || nanoTime.getAsLong() - openedAt >= limits.txnMaxAge().toNanos());
    }

    Checkpoint checkpoint(boolean done) {
        return new Checkpoint(totalLines, delivered, done);
    }

    boolean open() {
        return open;
    }

    void committed() {
        open = false;
        lines = 0;
        bytes = 0;
    }

    void abortQuietly() {
        if (open) {
            open = false;
            try {
                producer.abortTransaction();
            } catch (RuntimeException ignored) {
                // a fenced or broken producer has nothing left to abort; the broker aborts on timeout or fencing
            }
        }
    }

    int deliveredCount() {
        return delivered.cardinality();
    }

    Map<String, Long> counts() {
        return counts;
    }

    long totalBytes() {
        return totalBytes;
    }
}
