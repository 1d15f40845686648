package io.batchbridge.worker.internal;

import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.producer.Callback;
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
    private final Queue<FailedResult> failedResults = new ConcurrentLinkedQueue<>();
    private boolean open;
    private long openedAt;
    private int lines;
    private long bytes;
    private long totalLines;
    private long totalBytes;
    private long costMicros;

    FanoutTxn(Producer<byte[], byte[]> producer, Checkpoint committed) {
        this(producer, committed, System::nanoTime);
    }

    /** @param nanoTime the clock of the age bound (tests pass their own) */
    FanoutTxn(Producer<byte[], byte[]> producer, Checkpoint committed, LongSupplier nanoTime) {
        this.producer = producer;
        this.nanoTime = nanoTime;
        this.delivered = committed.delivered();
        this.totalLines = committed.lines();
        this.costMicros = committed.costMicros();
    }

    /** Adds a succeeded line's exact batch-price cost to the batch's running total (committed with the checkpoint). */
    void priced(long micros) {
        costMicros = Math.addExact(costMicros, micros);
    }

    /** The batch's cost so far: the committed checkpoint's plus this transaction's lines. */
    long costMicros() {
        return costMicros;
    }

    void begin() {
        if (!open) {
            producer.beginTransaction();
            open = true;
            openedAt = nanoTime.getAsLong();
        }
    }

    /** A failed send to {@code topic}: of item {@code item}'s result, or of another record when the item is -1. */
    record FailedResult(int item, String topic, Exception error) {}

    /** Sends a record that is not a result (retry record, dead letter); a failure is kept, item -1. */
    void send(ProducerRecord<byte[], byte[]> r) {
        send(r, -1);
    }

    /**
     * Sends item {@code item}'s result; if the send fails (on the producer's I/O thread, or at once for a
     * producer-side check) the failure is kept, in the order failures happened, so that after the abort the
     * one item can be told apart from the batch ({@link #failedResults}).
     */
    void sendResult(ProducerRecord<byte[], byte[]> r, int item) {
        send(r, item);
    }

    private void send(ProducerRecord<byte[], byte[]> r, int item) {
        send(r, (md, e) -> {
            if (e != null) {
                failedResults.add(new FailedResult(item, r.topic(), e));
            }
        });
    }

    private void send(ProducerRecord<byte[], byte[]> r, Callback onDone) {
        begin();
        producer.send(r, onDone);
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
        return new Checkpoint(totalLines, delivered, done, costMicros);
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

    /** The sends of this transaction that failed, first failure first (complete once it was aborted). */
    List<FailedResult> failedResults() {
        return List.copyOf(failedResults);
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
