package io.batchbridge.worker.internal;

import io.batchbridge.common.records.Coordinates;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetOutOfRangeException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;

/**
 * Re-reads one request record by its coordinates, with its own assign/seek consumer (no group). Only the few
 * items that are retried or dead-lettered need their original bytes; successful results route from the ticket
 * alone. Owned by one fan-out thread (a consumer is not thread-safe).
 */
public final class SourceReader implements AutoCloseable {
    private final Consumer<byte[], byte[]> consumer;
    private final Duration timeout;
    private final Destinations topics;

    /**
     * @param consumer a read_committed consumer with {@code auto.offset.reset=none}, no group and no topic
     *     auto-creation
     * @param topics where the source topic's existence is checked first: a ticket's coordinates are input
     */
    public SourceReader(Consumer<byte[], byte[]> consumer, Duration timeout, Destinations topics) {
        this.consumer = consumer;
        this.timeout = timeout;
        this.topics = topics;
    }

    /**
     * The value of the record at {@code c}, or null when it no longer exists (retention, or never committed) or
     * never could (no such topic or partition: the Admin client is asked, so that no consumer waits on metadata
     * of a topic that is not there).
     *
     * @throws TimeoutException when the broker did not answer in time (transient: try the fan-out again later)
     */
    public byte[] read(Coordinates c) {
        if (!topics.hasPartition(c.topic(), c.partition())) {
            return null;
        }
        TopicPartition tp = new TopicPartition(c.topic(), c.partition());
        consumer.assign(List.of(tp));
        consumer.seek(tp, c.offset());
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            while (System.nanoTime() < deadline) {
                ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(200));
                for (ConsumerRecord<byte[], byte[]> r : records.records(tp)) {
                    if (r.offset() == c.offset()) {
                        return r.value();
                    }
                    if (r.offset() > c.offset()) {
                        return null;
                    }
                }
                if (records.isEmpty() && consumer.position(tp) > c.offset()) {
                    return null;
                }
            }
        } catch (OffsetOutOfRangeException e) {
            return null;
        }
        throw new TimeoutException("could not read the request at " + c + " within " + timeout);
    }

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(1));
    }
}
