package io.batchbridge.submitter.internal;

import io.batchbridge.common.model.SpendEntry;

/**
 * Where the spend reservations of all submitter instances are shared: in production the compacted spend topic
 * ({@link KafkaSpendLedger}). Used by the poll thread only.
 */
public interface SpendLedger extends AutoCloseable {
    /** The ledger on its topic; the clients are owned (closed) by it. */
    static SpendLedger kafka(
            org.apache.kafka.clients.producer.Producer<byte[], byte[]> producer,
            org.apache.kafka.clients.consumer.Consumer<byte[], byte[]> consumer,
            String topic,
            java.time.Duration timeout) {
        return new KafkaSpendLedger(producer, consumer, topic, timeout);
    }

    /**
     * Applies to {@code tally} every record written to the ledger and acknowledged before this call (the guard's
     * view before it reserves).
     *
     * @throws Unavailable when the ledger could not be read up to there
     */
    void catchUp(SpendTally tally);

    /**
     * Writes an entry and returns once it is durable ({@code acks=all}).
     *
     * @throws Unavailable when it could not be written (its outcome may be unknown: it may still count)
     */
    void write(String key, SpendEntry entry);

    /** Writes an entry without waiting; a failure is logged (the entry then stays in its earlier, safe state). */
    void writeLater(String key, SpendEntry entry);

    @Override
    void close();

    /** The ledger could not be read or written: an infrastructure failure, retried; nothing is created meanwhile. */
    final class Unavailable extends RuntimeException {
        Unavailable(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
