package io.batchbridge.worker.internal;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The transactions of one fan-out thread's producer: a fan-out's commits (records, checkpoint, ticket offset
 * with the group metadata, under the partition's lock so a revoked partition commits nothing more) and the
 * offsets-only commits of partitions whose batches completed elsewhere. Used by {@link ResultFanout} on its
 * thread only.
 */
final class FanoutCommits {
    private static final Logger log = LoggerFactory.getLogger(FanoutCommits.class);

    private final Producer<byte[], byte[]> producer;
    private final CommitBook book;
    private final OutcomeRecords records;
    private final EventPublisher events;
    private final FanoutHooks hooks;
    private final WorkerMetrics metrics;

    FanoutCommits(
            Producer<byte[], byte[]> producer,
            CommitBook book,
            OutcomeRecords records,
            EventPublisher events,
            FanoutHooks hooks,
            WorkerMetrics metrics) {
        this.producer = producer;
        this.book = book;
        this.records = records;
        this.events = events;
        this.hooks = hooks;
        this.metrics = metrics;
    }

    /**
     * Commits the open transaction of {@code b}'s fan-out with its checkpoint and the partition's committable
     * ticket offset; the last one also carries the {@code fanned_out} event and completes the batch's tickets.
     *
     * @param latency the fan-out latency for the {@code fanned_out} event (only read when {@code last})
     * @throws ResultFanout.RevokedException when the partition is no longer this worker's
     */
    void commit(OpenBatch b, FanoutTxn txn, boolean last, Duration latency) {
        txn.begin();
        CommitBook.Partition p = book.get(b.partition());
        if (p == null) {
            throw new ResultFanout.RevokedException(b.batchId());
        }
        hooks.beforeCommit(b.batchId(), last);
        p.lock.lock();
        try {
            ResultFanout.checkRevoked(b);
            if (p.revoked()) {
                throw new ResultFanout.RevokedException(b.batchId());
            }
            long offset = last ? p.ledger.committableWith(b.offsets()) : p.ledger.committable();
            List<String> tombstones = p.doneBelow(offset);
            tombstones.forEach(id -> producer.send(records.checkpoint(id, null)));
            boolean ticketsCommitted = last && offset > b.maxOffset();
            Checkpoint next = txn.checkpoint(last);
            producer.send(records.checkpoint(b.batchId(), ticketsCommitted ? null : next));
            if (last) {
                producer.send(events.fannedOut(b, txn.counts(), latency));
            }
            producer.sendOffsetsToTransaction(
                    Map.of(b.partition(), new OffsetAndMetadata(offset)), book.groupMetadata());
            producer.commitTransaction();
            txn.committed();
            b.checkpoint(next);
            metrics.transaction("committed");
            metrics.checkpoint();
            p.tombstoned(tombstones);
            if (last) {
                p.ledger.complete(b.offsets());
                if (!ticketsCommitted) {
                    p.awaitCommit(b.batchId(), b.maxOffset());
                }
            }
            p.ledger.pruneBelow(offset);
        } finally {
            p.lock.unlock();
        }
    }

    /** An offsets-only transaction: commits the partition's committable offset and due tombstones. */
    void commitOffsets(TopicPartition tp) {
        CommitBook.Partition p = book.get(tp);
        if (p == null) {
            return;
        }
        p.lock.lock();
        try {
            if (p.revoked()) {
                return;
            }
            long offset = p.ledger.committable();
            producer.beginTransaction();
            List<String> tombstones = p.doneBelow(offset);
            tombstones.forEach(id -> producer.send(records.checkpoint(id, null)));
            producer.sendOffsetsToTransaction(Map.of(tp, new OffsetAndMetadata(offset)), book.groupMetadata());
            producer.commitTransaction();
            p.tombstoned(tombstones);
            p.ledger.pruneBelow(offset);
        } catch (ProducerFencedException e) {
            hooks.fatal(e);
        } catch (KafkaException e) {
            try {
                producer.abortTransaction();
            } catch (RuntimeException ignored) {
                // nothing to abort
            }
            log.warn("offsets of {} not committed; the next transaction of that partition will: {}", tp, e.toString());
        } finally {
            p.lock.unlock();
        }
    }
}
