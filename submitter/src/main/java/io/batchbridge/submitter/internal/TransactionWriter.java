package io.batchbridge.submitter.internal;

import io.batchbridge.common.lifecycle.Threads;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.FencedInstanceIdException;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.TimeoutException;

/**
 * Writes an {@link Outbox} and the offsets it completes in one transaction. An offset is committed only
 * together with the record that is its next hop (invariant 2); what the ledger allows to commit already
 * accounts for lanes that flush out of order.
 *
 * <p>{@link #commit} does not wait for the broker: the transaction runs on the writer's own thread while the
 * loop goes on polling (a commit drains the producer and takes 20–50 ms, 200+ ms for the first). While one is in
 * flight, the outbox keeps collecting and goes into the next transaction; transactions never overlap, so
 * they commit in order. A failed transaction is rethrown by the next call, for the loop to rewind to committed
 * state. {@link #commitNow} waits (rebalance, shutdown).
 */
public final class TransactionWriter implements AutoCloseable {
    private static final int COMMIT_TIMEOUT_RETRIES = 5;

    private final Producer<byte[], byte[]> producer;
    private final HandOffLedger ledger;
    private final Supplier<ConsumerGroupMetadata> groupMetadata;
    private final BiConsumer<List<OrphanBatches.Orphan>, RuntimeException> ticketsLost;
    private final ExecutorService executor;
    private Future<?> inFlight;

    public TransactionWriter(
            Producer<byte[], byte[]> producer, HandOffLedger ledger, Supplier<ConsumerGroupMetadata> groupMetadata) {
        this(producer, ledger, groupMetadata, (lost, cause) -> {});
    }

    /**
     * @param ticketsLost told (on the writer's thread) of the created batches whose tickets were in a transaction
     *     that was aborted, with the cause
     */
    public TransactionWriter(
            Producer<byte[], byte[]> producer,
            HandOffLedger ledger,
            Supplier<ConsumerGroupMetadata> groupMetadata,
            BiConsumer<List<OrphanBatches.Orphan>, RuntimeException> ticketsLost) {
        this.producer = producer;
        this.ledger = ledger;
        this.groupMetadata = groupMetadata;
        this.ticketsLost = ticketsLost;
        this.executor = Executors.newSingleThreadExecutor(Threads.daemon("submitter-commit"));
    }

    /**
     * Starts committing the outbox (if it holds anything, or offsets moved) unless a transaction is still in
     * flight, in which case the outbox waits for the next call. Rethrows the failure of the previous transaction.
     */
    public void commit(Outbox outbox) {
        if (inFlight != null && !inFlight.isDone()) {
            return;
        }
        awaitInFlight();
        Transaction txn = prepare(outbox);
        if (txn != null) {
            inFlight = executor.submit(txn::run);
        }
    }

    /** Waits for the transaction in flight, then commits the outbox and waits for that too. */
    public void commitNow(Outbox outbox) {
        awaitInFlight();
        Transaction txn = prepare(outbox);
        if (txn != null) {
            txn.run();
        }
    }

    /**
     * Drops the outbox without writing it (its partitions were lost): the batches whose tickets it held are
     * reported as lost.
     */
    public void discard(Outbox outbox, String cause) {
        if (!outbox.created().isEmpty()) {
            ticketsLost.accept(List.copyOf(outbox.created()), new IllegalStateException(cause));
        }
        outbox.clear();
    }

    /** Waits for the transaction in flight (if any) to end; rethrows its failure. */
    private void awaitInFlight() {
        Future<?> f = inFlight;
        inFlight = null;
        if (f == null) {
            return;
        }
        try {
            f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptException(e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException("committing a transaction failed", e.getCause());
        }
    }

    /**
     * On the loop's thread: the ledger and the consumer's group metadata are not thread-safe.
     *
     * <p>What ties a transaction to the group generation (KIP-447) is its offsets with the consumer's group
     * metadata: the coordinator refuses them from a member that is no longer in the group. So nothing is committed
     * that would escape that check: an outbox holding work of a partition this consumer does not track, or one
     * prepared while the consumer knows it is not a member (expelled and not yet rejoined: generation -1, which a
     * coordinator accepts for a transactional commit), is discarded — its created batches become orphans — and the
     * loop rewinds to the committed offsets.
     *
     * @throws NotAMember when the outbox was discarded for that reason
     */
    private Transaction prepare(Outbox outbox) {
        for (Outbox.Done d : outbox.done()) {
            if (!ledger.tracks(d.partition())) {
                throw discarded(outbox, "it holds work of " + d.partition() + ", which this consumer does not own");
            }
        }
        outbox.done().forEach(d -> ledger.done(d.partition(), d.offset()));
        Map<TopicPartition, OffsetAndMetadata> offsets = ledger.drainCommittable();
        if (outbox.records().isEmpty() && offsets.isEmpty()) {
            outbox.clear();
            return null;
        }
        ConsumerGroupMetadata group = offsets.isEmpty() ? null : groupMetadata.get();
        if (group != null && (group.generationId() < 0 || group.memberId().isEmpty())) {
            throw discarded(
                    outbox,
                    "the consumer is not a member of its group right now (generation " + group.generationId()
                            + "): expelled while it was stopped, not yet rejoined");
        }
        Transaction txn =
                new Transaction(new ArrayList<>(outbox.records()), offsets, group, List.copyOf(outbox.created()));
        outbox.clear();
        return txn;
    }

    /** The outbox could not be committed under the current membership; the loop rewinds to committed state. */
    public static final class NotAMember extends KafkaException {
        NotAMember(String message) {
            super(message);
        }
    }

    private NotAMember discarded(Outbox outbox, String why) {
        discard(outbox, "not committed: " + why);
        return new NotAMember("a transaction was not committed: " + why);
    }

    private final class Transaction {
        private final List<ProducerRecord<byte[], byte[]>> records;
        private final Map<TopicPartition, OffsetAndMetadata> offsets;
        private final ConsumerGroupMetadata group;
        private final List<OrphanBatches.Orphan> created;

        Transaction(
                List<ProducerRecord<byte[], byte[]>> records,
                Map<TopicPartition, OffsetAndMetadata> offsets,
                ConsumerGroupMetadata group,
                List<OrphanBatches.Orphan> created) {
            this.records = records;
            this.offsets = offsets;
            this.group = group;
            this.created = created;
        }

        /** Any failure leaves nothing visible: the transaction is aborted and the exception rethrown. */
        void run() {
            producer.beginTransaction();
            try {
                for (ProducerRecord<byte[], byte[]> r : records) {
                    producer.send(r);
                }
                if (!offsets.isEmpty()) {
                    producer.sendOffsetsToTransaction(offsets, group);
                }
                commitWithRetries();
            } catch (RuntimeException e) {
                try {
                    producer.abortTransaction();
                } catch (RuntimeException abortFailure) {
                    e.addSuppressed(abortFailure);
                }
                // a commit that timed out may have committed: its batches are not known to be orphans
                if (!created.isEmpty() && !(e instanceof TimeoutException)) {
                    ticketsLost.accept(created, e);
                }
                if (staleMember(e)) {
                    // This transaction's group metadata is from before the consumer rejoined under the same static
                    // id (a thawed zombie): the coordinator answers FENCED_INSTANCE_ID. That is this instance's own
                    // old membership, not a live twin (a twin fences the consumer itself): rewind, do not stop.
                    NotAMember stale = new NotAMember(
                            "a transaction carried group metadata of an earlier membership of this instance: " + e);
                    stale.addSuppressed(e);
                    throw stale;
                }
                throw e;
            }
        }
    }

    private static boolean staleMember(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof FencedInstanceIdException) {
                return true;
            }
        }
        return false;
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

    /** Lets a transaction in flight end (its outcome is not reported any more), then stops the thread. */
    @Override
    public void close() {
        executor.shutdown();
        try {
            executor.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
