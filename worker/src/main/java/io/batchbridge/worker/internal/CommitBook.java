package io.batchbridge.worker.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * What fan-out threads need to commit ticket offsets inside their transactions: one {@link Partition} per
 * assigned partition of the batches topic, and the consumer's latest group metadata (published by the poll
 * thread after every poll, since the consumer itself is not thread-safe).
 *
 * <p>Why a lock per partition: two fan-outs of the same partition may finish together. Each computes the
 * committable offset and commits it in its own transaction; without ordering, the later commit could carry
 * the smaller offset and move the group's offset backwards. Holding the partition's lock from computing the
 * offset to {@code commitTransaction} (milliseconds) makes commits of one partition monotonic. Revocation takes
 * the same lock to set {@code revoked}, so once {@code onPartitionsRevoked} returns, no transaction of this
 * worker can commit an offset or checkpoint for that partition any more.
 */
public final class CommitBook {
    private final Map<TopicPartition, Partition> partitions = new ConcurrentHashMap<>();
    private final AtomicReference<ConsumerGroupMetadata> groupMetadata = new AtomicReference<>();

    /** One partition's ledger, commit lock, and batches whose checkpoint waits for an in-order commit. */
    public static final class Partition {
        public final TopicPartition tp;
        public final TicketOffsetLedger ledger;
        private final ReentrantLock lock = new ReentrantLock();
        private final Map<String, Long> doneAwaitingCommit = new HashMap<>();
        private volatile boolean revoked;

        Partition(TopicPartition tp, long position) {
            this.tp = tp;
            this.ledger = new TicketOffsetLedger(position);
        }

        public boolean revoked() {
            return revoked;
        }

        /** Batches fanned out whose tickets lie below {@code committed}: their checkpoints can be tombstoned. */
        public List<String> doneBelow(long committed) {
            List<String> out = new ArrayList<>();
            doneAwaitingCommit.forEach((id, max) -> {
                if (max < committed) {
                    out.add(id);
                }
            });
            return out;
        }

        public void awaitCommit(String batchId, long maxOffset) {
            doneAwaitingCommit.put(batchId, maxOffset);
        }

        public void tombstoned(List<String> ids) {
            ids.forEach(doneAwaitingCommit::remove);
        }
    }

    /** What runs under a partition's commit lock. */
    @FunctionalInterface
    public interface Locked {
        void run(Partition p);
    }

    /**
     * Runs {@code action} under the commit lock of {@code tp} while the partition is this worker's; returns false
     * (and runs nothing) when it is not assigned or was revoked. Holding the lock from computing an offset to
     * {@code commitTransaction} keeps the partition's commits monotonic, and a revocation waits for it.
     */
    public boolean underLock(TopicPartition tp, Locked action) {
        Partition p = partitions.get(tp);
        if (p == null) {
            return false;
        }
        p.lock.lock();
        try {
            if (p.revoked) {
                return false;
            }
            action.run(p);
            return true;
        } finally {
            p.lock.unlock();
        }
    }

    /**
     * Completes the ticket offsets of a batch that needs no (more) fan-out, so the partition's next transaction
     * commits past them; {@code checkpointToRemove}: its checkpoint is tombstoned once a commit passes them.
     */
    public void completeTickets(OpenBatch b, boolean checkpointToRemove) {
        underLock(b.partition(), p -> {
            p.ledger.complete(b.offsets());
            if (checkpointToRemove) {
                p.awaitCommit(b.batchId(), b.maxOffset());
            }
        });
    }

    public Partition assign(TopicPartition tp, long position) {
        Partition p = new Partition(tp, position);
        partitions.put(tp, p);
        return p;
    }

    /** Marks the partition revoked, waiting for any commit in progress on it; returns false if that timed out. */
    public boolean revoke(TopicPartition tp, Duration wait) throws InterruptedException {
        Partition p = partitions.remove(tp);
        if (p == null) {
            return true;
        }
        if (!p.lock.tryLock(wait.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
            p.revoked = true;
            return false;
        }
        try {
            p.revoked = true;
        } finally {
            p.lock.unlock();
        }
        return true;
    }

    /** The partition's state, or null when it is not (or no longer) assigned. */
    public Partition get(TopicPartition tp) {
        return partitions.get(tp);
    }

    public java.util.Collection<Partition> all() {
        return partitions.values();
    }

    public void publish(ConsumerGroupMetadata m) {
        groupMetadata.set(m);
    }

    public ConsumerGroupMetadata groupMetadata() {
        return groupMetadata.get();
    }
}
