package io.batchbridge.worker.internal;

import io.batchbridge.client.MessageBatch;
import io.batchbridge.client.RequestCounts;
import io.batchbridge.common.records.BatchEvent;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lifecycle events. {@code progress} and {@code ended} are observations of the API and go out through a plain
 * idempotent producer (at least once: a restarted worker may repeat them); {@code fanned_out} is built here
 * but written inside the batch's last fan-out transaction, so it appears exactly once.
 */
public final class EventPublisher implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EventPublisher.class);

    private final Producer<byte[], byte[]> producer;
    private final String topic;
    private final Clock clock;

    public EventPublisher(Producer<byte[], byte[]> producer, String topic, Clock clock) {
        this.producer = producer;
        this.topic = topic;
        this.clock = clock;
    }

    public void progress(OpenBatch b, MessageBatch mb) {
        send(event(BatchEvent.Type.PROGRESS, b, counts(mb.requestCounts()), Map.of()));
    }

    public void ended(OpenBatch b, MessageBatch mb) {
        Map<String, Long> extra = new LinkedHashMap<>();
        if (mb.endedAt() != null && mb.createdAt() != null) {
            extra.put(
                    "processing_ms",
                    Duration.between(mb.createdAt(), mb.endedAt()).toMillis());
        }
        send(event(BatchEvent.Type.ENDED, b, counts(mb.requestCounts()), extra));
    }

    /** The {@code fanned_out} record, for the batch's last transaction. */
    public ProducerRecord<byte[], byte[]> fannedOut(OpenBatch b, Map<String, Long> delivered, Duration latency) {
        Map<String, Long> extra = new LinkedHashMap<>();
        extra.put("fanout_ms", latency.toMillis());
        extra.put("tracked_ms", Duration.between(b.trackedAt(), clock.instant()).toMillis());
        return record(event(BatchEvent.Type.FANNED_OUT, b, delivered, extra));
    }

    private BatchEvent event(BatchEvent.Type type, OpenBatch b, Map<String, Long> counts, Map<String, Long> extra) {
        Instant now = clock.instant();
        return new BatchEvent(type, b.batchId(), b.account(), b.betas(), b.requestCount(), counts, now, extra);
    }

    static Map<String, Long> counts(RequestCounts c) {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("processing", c.processing());
        m.put("succeeded", c.succeeded());
        m.put("errored", c.errored());
        m.put("canceled", c.canceled());
        m.put("expired", c.expired());
        return m;
    }

    private ProducerRecord<byte[], byte[]> record(BatchEvent e) {
        return new ProducerRecord<>(topic, e.batchId().getBytes(StandardCharsets.UTF_8), e.toJson());
    }

    private void send(BatchEvent e) {
        producer.send(record(e), (md, ex) -> {
            if (ex != null) {
                log.warn(
                        "batch_id={} {} event not written: {}",
                        e.batchId(),
                        e.type().code(),
                        ex.toString());
            }
        });
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
