package io.batchbridge.worker.internal;

import java.time.Duration;
import java.util.function.Supplier;
import org.apache.kafka.clients.producer.Producer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The transactional producer of one fan-out thread. When a commit's outcome stays unknown (its
 * {@code commitTransaction} timed out again and again), Kafka allows nothing but retrying or closing the
 * producer: {@link #renew} closes it and initialises a new one with the same {@code transactional.id}, which
 * fences the old one and settles its last transaction on the broker (completed if the commit was already
 * decided, aborted if not). Only after that is it safe to read the committed checkpoint and resume.
 */
final class FanoutProducer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(FanoutProducer.class);

    private final Supplier<Producer<byte[], byte[]>> factory;
    private Producer<byte[], byte[]> current;

    /**
     * Initialises the producer at once (fencing a predecessor with the same transactional id, so its open
     * transaction does not hold back {@code read_committed} readers); if the cluster cannot be reached now, the
     * first {@link #get} tries again.
     *
     * @param factory builds a producer and calls {@code initTransactions} on it
     */
    FanoutProducer(Supplier<Producer<byte[], byte[]>> factory) {
        this.factory = factory;
        try {
            this.current = factory.get();
        } catch (RuntimeException e) {
            log.warn("the fan-out producer could not be initialised yet; trying again on first use: {}", e.toString());
        }
    }

    /** The producer, initialised now if it is not yet (throws what initialisation throws: a transient failure). */
    Producer<byte[], byte[]> get() {
        if (current == null) {
            current = factory.get();
        }
        return current;
    }

    /** Closes the producer at once and initialises a new one with the same transactional id (fencing it). */
    void renew() {
        log.warn("renewing the fan-out producer: the outcome of its last commit is unknown");
        Producer<byte[], byte[]> old = current;
        current = null;
        if (old != null) {
            try {
                old.close(Duration.ZERO);
            } catch (RuntimeException e) {
                log.debug("closing the old fan-out producer failed", e);
            }
        }
        try {
            get();
        } catch (RuntimeException e) {
            log.warn(
                    "the renewed fan-out producer could not be initialised yet; trying again on next use: {}",
                    e.toString());
        }
    }

    void close(Duration timeout) {
        if (current != null) {
            current.close(timeout);
        }
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(10));
    }
}
