package io.batchbridge.submitter.internal;

import io.batchbridge.common.records.Coordinates;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The create intents of one submitter: {@link #open} writes an {@link Intent} and waits for the broker's
 * acknowledgement ({@code acks=all}, idempotent) before the create call; the intent is closed by a tombstone —
 * in the same transaction as the batch's ticket ({@link #tombstone}), or at once ({@link #close}) when the batch
 * is known not to exist or was cancelled. Thread-safe (the producer is).
 */
public class IntentLog implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(IntentLog.class);

    /** No intents (tests of other parts): nothing is written, nothing can be recovered. */
    public static final IntentLog NONE = new IntentLog(null, "", "", Clock.systemUTC(), Duration.ZERO);

    private final Producer<byte[], byte[]> producer;
    private final String topic;
    private final String instance;
    private final Clock clock;
    private final Duration timeout;

    /**
     * @param producer a non-transactional idempotent producer with {@code acks=all} (owned: closed here)
     * @param timeout how long {@link #open} waits for the acknowledgement
     */
    public IntentLog(Producer<byte[], byte[]> producer, String topic, String instance, Clock clock, Duration timeout) {
        this.producer = producer;
        this.topic = topic;
        this.instance = instance;
        this.clock = clock;
        this.timeout = timeout;
    }

    /** Thrown when an intent could not be written: the create must not be called (infrastructure, retry later). */
    public static final class NotWritten extends RuntimeException {
        NotWritten(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * Writes the intent to create {@code batch} with these {@code sources} and waits until it is durable; returns
     * its id (null when intents are off).
     */
    public String open(PendingBatch batch, List<String> sources) {
        if (producer == null) {
            return null;
        }
        Set<Coordinates> requests = new HashSet<>();
        batch.items().forEach(i -> requests.add(i.source()));
        Intent intent = new Intent(
                UUID.randomUUID().toString(),
                instance,
                batch.lane(),
                clock.instant(),
                batch.items().size(),
                sources,
                requests);
        try {
            producer.send(new ProducerRecord<>(topic, key(intent.id()), intent.toJson()))
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return intent.id();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new NotWritten("interrupted while writing a create intent", e);
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            throw new NotWritten("the create intent could not be written to " + topic + ": " + e, e);
        }
    }

    /** The tombstone closing intent {@code id}, for the transaction that writes its batch's ticket. */
    public ProducerRecord<byte[], byte[]> tombstone(String id) {
        return new ProducerRecord<>(topic, key(id), null);
    }

    /** Closes intent {@code id} now (its batch does not exist, or was cancelled); a null id does nothing. */
    public void close(String id) {
        if (producer == null || id == null) {
            return;
        }
        producer.send(tombstone(id), (md, e) -> {
            if (e != null) {
                log.warn("closing create intent {} failed ({}); a restart will resolve it again", id, e.toString());
            }
        });
    }

    public String topic() {
        return topic;
    }

    public String instance() {
        return instance;
    }

    private static byte[] key(String id) {
        return id.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        if (producer != null) {
            producer.close(Duration.ofSeconds(10));
        }
    }
}
