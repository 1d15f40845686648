package io.batchbridge.worker.internal;

import io.batchbridge.common.records.Echo;
import io.batchbridge.common.records.Ticket;
import io.batchbridge.common.records.TicketCodec;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The poll thread's work: poll the batches topic, register every ticket offset in its partition's ledger, turn
 * complete tickets into tracked batches, publish the group metadata for the fan-out threads, and react to
 * rebalances. Never calls the API and never waits on a batch (invariant 3). Owns the consumer.
 */
public final class TicketIntake implements ConsumerRebalanceListener {
    private static final Logger log = LoggerFactory.getLogger(TicketIntake.class);
    private static final Duration REVOKE_WAIT = Duration.ofSeconds(30);
    private static final Duration POSITION_WAIT = Duration.ofMinutes(5);

    private final Consumer<byte[], byte[]> consumer;
    private final CommitBook book;
    private final CheckpointStore checkpoints;
    private final BatchLifecycle lifecycle;
    private final WorkerMetrics metrics;
    private final Clock clock;
    private final Duration pollTimeout;
    private final Predicate<String> accountConfigured;
    /** Partitions where this poll skipped records (poll thread only). */
    private final Set<TopicPartition> skippedIn = new HashSet<>();

    private volatile boolean assignmentSettled;
    private volatile boolean halted;

    public TicketIntake(
            Consumer<byte[], byte[]> consumer,
            CommitBook book,
            CheckpointStore checkpoints,
            BatchLifecycle lifecycle,
            WorkerMetrics metrics,
            Clock clock,
            Duration pollTimeout,
            Predicate<String> accountConfigured) {
        this.consumer = consumer;
        this.book = book;
        this.checkpoints = checkpoints;
        this.lifecycle = lifecycle;
        this.metrics = metrics;
        this.clock = clock;
        this.pollTimeout = pollTimeout;
        this.accountConfigured = accountConfigured;
    }

    public void subscribe(String batchesTopic) {
        consumer.subscribe(List.of(batchesTopic), this);
    }

    /** One turn of the loop: poll, then hand new tickets to the tracker. */
    public void pollOnce() {
        ConsumerRecords<byte[], byte[]> records = metrics.loop("poll").record(() -> consumer.poll(pollTimeout));
        book.publish(consumer.groupMetadata());
        if (!records.isEmpty()) {
            metrics.loop("track").record(() -> records.forEach(this::accept));
        }
        dropIncomplete();
        skippedIn.forEach(lifecycle::commitOffsets);
        skippedIn.clear();
    }

    private void accept(ConsumerRecord<byte[], byte[]> r) {
        TopicPartition tp = new TopicPartition(r.topic(), r.partition());
        CommitBook.Partition p = book.get(tp);
        if (p == null) {
            return;
        }
        p.ledger.register(r.offset());
        Ticket t;
        try {
            t = read(r);
        } catch (IllegalArgumentException e) {
            skip(p, List.of(r.offset()), "invalid", "not a valid ticket: " + e.getMessage());
            return;
        }
        OpenBatch b =
                lifecycle.assembling(t.batchId(), () -> new OpenBatch(t.batchId(), tp, t.parts(), clock.instant()));
        try {
            if (!b.partition().equals(tp)) {
                throw new IllegalArgumentException("batch " + t.batchId() + " is assembling on " + b.partition());
            }
            if (b.stage() != BatchStage.ASSEMBLING) {
                throw new IllegalArgumentException("batch " + t.batchId() + " already has all its parts");
            }
            if (b.addPart(t, r.offset())) {
                start(b, p);
            }
        } catch (IllegalArgumentException e) {
            skip(p, List.of(r.offset()), "inconsistent", e.getMessage());
        } catch (IllegalStateException e) {
            lifecycle.drop(b);
            skip(p, b.offsets(), "inconsistent", e.getMessage());
        }
    }

    /**
     * The ticket in a record; its key, when there is one, must be its batch id (the partitioning the tickets use),
     * and its account one this worker has credentials for (else its batch could never be retrieved).
     */
    private Ticket read(ConsumerRecord<byte[], byte[]> r) {
        if (r.value() == null) {
            throw new IllegalArgumentException("the record has no value");
        }
        Ticket t = TicketCodec.read(r.value());
        if (r.key() != null && !t.batchId().equals(new String(r.key(), StandardCharsets.UTF_8))) {
            throw new IllegalArgumentException("the record's key is not its batch_id " + t.batchId());
        }
        if (!accountConfigured.test(t.account())) {
            throw new IllegalArgumentException("batch " + t.batchId() + " names API account " + Echo.quoted(t.account())
                    + ", which this worker has no credentials for");
        }
        return t;
    }

    /**
     * Batches still assembling on a partition read up to its last stable offset can never complete: the submitter
     * writes all parts of a batch in one transaction, and a read_committed consumer sees a transaction's records
     * all at once, so once the position reaches the last stable offset every part that will ever come has come.
     */
    private void dropIncomplete() {
        for (OpenBatch b : lifecycle.assembling().toList()) {
            if (b.complete() || !caughtUp(b.partition())) {
                continue;
            }
            CommitBook.Partition p = book.get(b.partition());
            lifecycle.drop(b);
            if (p != null) {
                skip(
                        p,
                        b.offsets(),
                        "incomplete",
                        "ticket parts of batch " + b.batchId()
                                + " whose other parts never came (a batch's parts are written in one transaction)");
            }
        }
    }

    private boolean caughtUp(TopicPartition tp) {
        try {
            OptionalLong lag = consumer.currentLag(tp);
            return lag.isPresent() && lag.getAsLong() == 0;
        } catch (IllegalStateException e) { // no longer assigned
            return false;
        }
    }

    /** Skips records of the batches topic: one log line, counted, offsets complete and committed in order. */
    private void skip(CommitBook.Partition p, List<Long> offsets, String reason, String why) {
        log.error("{}@{} skipped ({}): {}", p.tp, offsets, reason, Echo.of(why, 512));
        offsets.forEach(o -> metrics.ticketSkipped(reason));
        p.ledger.complete(offsets);
        skippedIn.add(p.tp); // one offsets-only commit per partition and poll, however many were skipped
    }

    private void start(OpenBatch b, CommitBook.Partition p) {
        Checkpoint cp = checkpoints.get(b.batchId());
        if (cp != null && cp.done()) {
            // Fanned out before, but its ticket offsets were not committed yet (an earlier ticket was still open).
            log.info("batch_id={} was already fanned out; committing its tickets only", b.batchId());
            book.completeTickets(b, true);
            lifecycle.alreadyDone(b);
            lifecycle.commitOffsets(p.tp);
            return;
        }
        if (cp != null) {
            log.info("batch_id={} resumes from its checkpoint: {}", b.batchId(), cp);
            b.checkpoint(cp);
        }
        if (!checkpoints.complete()) {
            b.checkpointUnknown(true); // the map may lack its newest checkpoint: the fan-out reads it first
        }
        lifecycle.track(b);
    }

    /** Crash simulation: rebalance callbacks do nothing from now on (no abort, no wait). */
    public void halt() {
        halted = true;
    }

    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
        assignmentSettled = false;
        // the generation moved before this callback: fan-outs of the partitions kept commit with the new one now
        book.publish(consumer.groupMetadata());
        if (halted) {
            return;
        }
        metrics.loop("revoke").record(() -> revoke(partitions));
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
        onPartitionsRevoked(partitions);
    }

    /** Revokes everything (shutdown). */
    public void revokeAll() {
        revoke(book.all().stream().map(p -> p.tp).toList());
    }

    private void revoke(Collection<TopicPartition> partitions) {
        lifecycle.revoke(partitions);
        try {
            for (TopicPartition tp : partitions) {
                if (!book.revoke(tp, REVOKE_WAIT)) {
                    log.warn("a commit on {} did not finish within {} of its revocation", tp, REVOKE_WAIT);
                }
            }
            if (!lifecycle.awaitStopped(REVOKE_WAIT)) {
                log.warn("fan-outs of revoked batches did not stop within {}", REVOKE_WAIT);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (!partitions.isEmpty()) {
            log.info("revoked {}", partitions);
        }
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
        book.publish(consumer.groupMetadata());
        assignmentSettled = true;
        if (partitions.isEmpty()) {
            return;
        }
        metrics.loop("assign").record(() -> {
            for (TopicPartition tp : partitions) {
                book.assign(tp, position(tp));
            }
            checkpoints.reload();
        });
        log.info("assigned {}", partitions);
    }

    /**
     * The partition's position; a committed offset still pending in another worker's transaction makes the
     * lookup wait, so a timeout is waited out (up to {@link #POSITION_WAIT}) rather than failing the worker.
     */
    private long position(TopicPartition tp) {
        long deadline = System.nanoTime() + POSITION_WAIT.toNanos();
        while (true) {
            try {
                return consumer.position(tp);
            } catch (org.apache.kafka.common.errors.TimeoutException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                log.warn("the position of {} is not known yet (a transaction on it is still open); asking again", tp);
            }
        }
    }

    /** False from a revocation until the next assignment (possibly empty): a rebalance is in progress. */
    public boolean assignmentSettled() {
        return assignmentSettled;
    }
}
