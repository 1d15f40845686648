package io.batchbridge.submitter.internal;

import java.util.Map;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;

/**
 * Writes an {@link Outbox} and the offsets it completes in one transaction. An offset is committed only
 * together with the record that is its next hop (invariant 2); what the ledger allows to commit already
 * accounts for lanes that flush out of order.
 */
public final class TransactionWriter {
    private static final int COMMIT_TIMEOUT_RETRIES = 5;

    private final Producer<byte[], byte[]> producer;
    private final OffsetLedger ledger;
    private final Supplier<ConsumerGroupMetadata> groupMetadata;

    public TransactionWriter(
            Producer<byte[], byte[]> producer, OffsetLedger ledger, Supplier<ConsumerGroupMetadata> groupMetadata) {
        this.producer = producer;
        this.ledger = ledger;
        this.groupMetadata = groupMetadata;
    }

    /**
     * Commits the outbox (if it holds anything, or offsets moved). Any failure leaves nothing visible:
     * the transaction is aborted and the exception is rethrown for the loop to rewind to committed state.
     */
    public void commit(Outbox outbox) {
        outbox.done().forEach(d -> ledger.done(d.partition(), d.offset()));
        Map<TopicPartition, OffsetAndMetadata> offsets = ledger.drainCommittable();
        if (outbox.records().isEmpty() && offsets.isEmpty()) {
            outbox.clear();
            return;
        }
        producer.beginTransaction();
        try {
            for (ProducerRecord<byte[], byte[]> r : outbox.records()) {
                producer.send(r);
            }
            if (!offsets.isEmpty()) {
                producer.sendOffsetsToTransaction(offsets, groupMetadata.get());
            }
            commitWithRetries();
        } catch (RuntimeException e) {
            try {
                producer.abortTransaction();
            } catch (RuntimeException abortFailure) {
                e.addSuppressed(abortFailure);
            }
            throw e;
        } finally {
            outbox.clear();
        }
    }

    private void commitWithRetries() {
        for (int attempt = 1; ; attempt++) {
            try {
                producer.commitTransaction();
                return;
            } catch (TimeoutException e) {
                // commitTransaction may be retried after a timeout (e.g. while the broker restarts).
                if (attempt >= COMMIT_TIMEOUT_RETRIES) {
                    throw e;
                }
            }
        }
    }
}
