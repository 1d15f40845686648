package io.batchbridge.worker.internal;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The transactions of one fan-out thread's producer: a fan-out's commits (records, checkpoint, ticket offset
 * with the group metadata, under the partition's commit lock so a revoked partition commits nothing more) and
 * the offsets-only commits of partitions whose batches completed elsewhere. Used by {@link ResultFanout} on its
 * thread only.
 *
 * <p>A {@code commitTransaction} that times out has an unknown outcome, and Kafka forbids aborting it: it is
 * retried ({@value #COMMIT_ATTEMPTS} attempts of {@code max.block.ms} each); if it still times out,
 * {@link CommitOutcomeUnknown} tells the caller to fence the producer and re-read the committed checkpoint.
 */
final class FanoutCommits {
    private static final Logger log = LoggerFactory.getLogger(FanoutCommits.class);
    static final int COMMIT_ATTEMPTS = 3;

    private final FanoutProducer producers;
    private final CommitBook book;
    private final OutcomeRecords records;
    private final EventPublisher events;
    private final FanoutHooks hooks;
    private final WorkerMetrics metrics;

    FanoutCommits(
            FanoutProducer producers,
            CommitBook book,
            OutcomeRecords records,
            EventPublisher events,
            FanoutHooks hooks,
            WorkerMetrics metrics) {
        this.producers = producers;
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
     * @throws CommitOutcomeUnknown when every commit attempt timed out
     */
    void commit(OpenBatch b, FanoutTxn txn, boolean last, Duration latency) {
        txn.begin();
        hooks.beforeCommit(b.batchId(), last);
        boolean owned = book.underLock(b.partition(), p -> {
            ResultFanout.checkRevoked(b);
            Producer<byte[], byte[]> producer = producers.get();
            long offset = last ? p.ledger.committableWith(b.offsets()) : p.ledger.committable();
            // Tombstones only below what is committable without this transaction: if its commit's outcome turns
            // out unknown and it lands late, another thread's commit may move the group's offset back to there,
            // and every batch above it must still find its checkpoint (its own is written "done", never removed
            // here, for the same reason).
            List<String> tombstones = p.doneBelow(p.ledger.committable());
            tombstones.forEach(id -> producer.send(records.checkpoint(id, null)));
            Checkpoint next = txn.checkpoint(last);
            producer.send(records.checkpoint(b.batchId(), next));
            if (last) {
                producer.send(events.fannedOut(b, txn.counts(), latency));
            }
            producer.sendOffsetsToTransaction(
                    Map.of(b.partition(), new OffsetAndMetadata(offset)), book.groupMetadata());
            commitTransaction("the transaction of batch " + b.batchId());
            txn.committed();
            b.checkpoint(next);
            metrics.transaction("committed");
            metrics.checkpoint();
            p.tombstoned(tombstones);
            if (last) {
                p.ledger.complete(b.offsets());
                p.awaitCommit(b.batchId(), b.maxOffset()); // tombstoned once a later commit passes its tickets
            }
            p.ledger.pruneBelow(offset);
        });
        if (!owned) {
            throw new ResultFanout.RevokedException(b.batchId());
        }
    }

    /** An offsets-only transaction: commits the partition's committable offset and due tombstones. */
    void commitOffsets(TopicPartition tp) {
        try {
            book.underLock(tp, p -> {
                Producer<byte[], byte[]> producer = producers.get();
                long offset = p.ledger.committable();
                producer.beginTransaction();
                List<String> tombstones = p.doneBelow(offset);
                tombstones.forEach(id -> producer.send(records.checkpoint(id, null)));
                producer.sendOffsetsToTransaction(Map.of(tp, new OffsetAndMetadata(offset)), book.groupMetadata());
                commitTransaction("the offsets-only transaction of " + tp);
                p.tombstoned(tombstones);
                p.ledger.pruneBelow(offset);
            });
        } catch (ProducerFencedException e) {
            hooks.fatal(e);
        } catch (CommitOutcomeUnknown e) {
            // offsets only move forward and tombstones may be written twice: the next transaction repeats them
            metrics.transaction("outcome_unknown");
            producers.renew();
            log.warn(
                    "offsets of {}: {}; the producer was renewed, the next transaction commits them",
                    tp,
                    e.getMessage());
        } catch (KafkaException e) {
            try {
                producers.get().abortTransaction();
            } catch (RuntimeException ignored) {
                // nothing to abort
            }
            log.warn("offsets of {} not committed; the next transaction of that partition will: {}", tp, e.toString());
        }
    }

    /**
     * {@code commitTransaction}, retried while it times out (Kafka: the commit may have reached the broker, so the
     * only allowed next step is to call it again, or to close the producer).
     */
    private void commitTransaction(String what) {
        Producer<byte[], byte[]> producer = producers.get();
        for (int attempt = 1; ; attempt++) {
            try {
                producer.commitTransaction();
                return;
            } catch (ProducerFencedException | InvalidProducerEpochException e) {
                if (attempt == 1) {
                    throw e;
                }
                // after a timeout the coordinator may have aborted the transaction on its own timeout and bumped
                // the epoch: that is not a twin (the group's static membership catches those) but an unknown outcome
                throw new CommitOutcomeUnknown(what, e);
            } catch (TimeoutException e) {
                metrics.transaction("commit_timeout");
                if (attempt >= COMMIT_ATTEMPTS) {
                    throw new CommitOutcomeUnknown(what, e);
                }
                log.warn(
                        "committing {} timed out (attempt {} of {}); retrying the commit: {}",
                        what,
                        attempt,
                        COMMIT_ATTEMPTS,
                        e.getMessage());
            }
        }
    }
}
