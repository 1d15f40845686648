package io.batchbridge.submitter.internal;

import io.batchbridge.common.lifecycle.Threads;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * Decides the records of one poll on a thread of its own while the loop polls the next: validation is the poll
 * thread's largest per-record cost, and the consumer's fetching (and decompression) can overlap it. Decisions
 * come back in poll order and are applied on the poll thread, which alone touches the consumer, the ledger and
 * the lanes.
 *
 * <p>A record can turn stale between being polled and being applied: its partition was sought back (a retry
 * record not due yet) or revoked. {@link #stale} marks every record of the partition polled so far; {@link #take}
 * leaves them out, and the consumer delivers them again from its new position (or to the new owner). At most
 * {@link #MAX_PENDING} polls are decided ahead, so memory stays at two polls' worth of records.
 */
final class ValidationStage implements AutoCloseable {
    static final int MAX_PENDING = 2;

    /** One record and what to do with it. */
    record Decided(TopicPartition partition, ConsumerRecord<byte[], byte[]> record, Intake.Decision decision) {}

    private record Pending(long seq, Future<List<Decided>> decisions) {}

    private final Function<ConsumerRecord<byte[], byte[]>, Intake.Decision> decide;
    private final ExecutorService executor;
    private final Deque<Pending> pending = new ArrayDeque<>();
    private final Map<TopicPartition, Long> staleThrough = new HashMap<>();
    private long lastSeq;

    ValidationStage(Function<ConsumerRecord<byte[], byte[]>, Intake.Decision> decide) {
        this.decide = decide;
        this.executor = Executors.newSingleThreadExecutor(Threads.daemon("submitter-validate"));
    }

    /** Starts deciding one poll's records (nothing to do for an empty poll). */
    void submit(Iterable<ConsumerRecord<byte[], byte[]>> records) {
        List<ConsumerRecord<byte[], byte[]>> batch = new ArrayList<>();
        records.forEach(batch::add);
        if (batch.isEmpty()) {
            return;
        }
        long seq = ++lastSeq;
        pending.addLast(new Pending(seq, executor.submit(() -> decideAll(batch))));
    }

    private List<Decided> decideAll(List<ConsumerRecord<byte[], byte[]>> batch) {
        List<Decided> out = new ArrayList<>(batch.size());
        for (ConsumerRecord<byte[], byte[]> r : batch) {
            out.add(new Decided(new TopicPartition(r.topic(), r.partition()), r, decide.apply(r)));
        }
        return out;
    }

    /** Polls being decided or decided and not yet taken. */
    int pending() {
        return pending.size();
    }

    /** True when a poll waits to be taken while another is still being decided behind it. */
    boolean full() {
        return pending.size() >= MAX_PENDING;
    }

    /**
     * Waits for the oldest poll's decisions and returns those still fresh, in record order; empty when nothing is
     * pending. A failure while deciding (a bug: invalid input is a decision, not an exception) is rethrown.
     */
    List<Decided> take() {
        Pending p = pending.pollFirst();
        if (p == null) {
            return List.of();
        }
        List<Decided> all;
        try {
            all = p.decisions().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while validating polled records", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException("validating polled records failed", e.getCause());
        }
        if (staleThrough.isEmpty()) {
            return all;
        }
        List<Decided> fresh = new ArrayList<>(all.size());
        for (Decided d : all) {
            if (staleThrough.getOrDefault(d.partition(), 0L) < p.seq()) {
                fresh.add(d);
            }
        }
        return fresh;
    }

    /** Waits for every poll still pending and returns their fresh decisions in poll order (shutdown). */
    List<Decided> takeAll() {
        List<Decided> all = new ArrayList<>();
        while (!pending.isEmpty()) {
            all.addAll(take());
        }
        return all;
    }

    /** Every record of this partition polled so far is stale: its position moved (seek or revocation). */
    void stale(TopicPartition tp) {
        staleThrough.put(tp, lastSeq);
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
