package io.batchbridge.submitter.internal;

import io.batchbridge.common.records.Coordinates;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
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
    /**
     * A ticket transaction that has not closed its intent this long after the create has failed (its batch is then
     * held as an orphan or lost with the producer): the intent is no longer this process's to skip.
     */
    static final Duration TICKET_PENDING_AT_MOST = Duration.ofMinutes(10);
    /** How long a batch created here is remembered: longer than any intent's window reaches back. */
    static final Duration REMEMBER_CREATED = Duration.ofMinutes(45);

    private final Producer<byte[], byte[]> producer;
    private final String topic;
    private final String instance;
    private final Clock clock;
    private final Duration timeout;
    private volatile java.util.function.Consumer<Duration> written = d -> {};
    private volatile java.util.function.Consumer<Intent> onUnknown = i -> {};
    /** Intents whose create call is under way in this process. */
    private final Map<String, Intent> inFlight = new ConcurrentHashMap<>();
    /** Intents whose batch this process created, until their ticket transaction closes them (or they age out). */
    private final Map<String, Instant> awaitingTicket = new ConcurrentHashMap<>();
    /** Intents whose create this process gave up on without knowing whether the API accepted it. */
    private final Map<String, Intent> unknown = new ConcurrentHashMap<>();
    /**
     * Batches this process created, cancelled or reported (never candidates of an open intent), by the time it
     * did so.
     */
    private final Map<String, Instant> createdHere = new ConcurrentHashMap<>();

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

    /** Where the time of each acknowledged intent write goes (a metric). */
    public IntentLog onWritten(java.util.function.Consumer<Duration> timer) {
        this.written = timer;
        return this;
    }

    /** Told of each intent whose create outcome became unknown (to resolve it soon). */
    public IntentLog onUnknown(java.util.function.Consumer<Intent> listener) {
        this.onUnknown = listener;
        return this;
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
            long t0 = System.nanoTime();
            producer.send(new ProducerRecord<>(topic, key(intent.id()), intent.toJson()))
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            written.accept(Duration.ofNanos(System.nanoTime() - t0));
            inFlight.put(intent.id(), intent);
            return intent.id();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new NotWritten("interrupted while writing a create intent", e);
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            throw new NotWritten("the create intent could not be written to " + topic + ": " + e, e);
        }
    }

    /**
     * The create of intent {@code id} returned batch {@code batchId}: the intent is closed by the ticket's
     * transaction, and the batch is this process's (never a candidate of another intent).
     */
    public void created(String id, String batchId) {
        Instant now = clock.instant();
        createdHere.put(batchId, now);
        if (id != null) {
            unknown.remove(id); // a held batch claimed for its requests: its ticket closes the intent
            if (inFlight.remove(id) != null) {
                awaitingTicket.put(id, now);
            }
        }
        prune(now);
    }

    /**
     * The create of intent {@code id} failed without a known outcome (a timeout, a dropped connection): the API may
     * have created the batch. The intent stays open and is {@linkplain #unknown() resolved} while the process runs.
     */
    public void outcomeUnknown(String id) {
        if (id == null) {
            return;
        }
        Intent i = inFlight.remove(id);
        if (i != null) {
            unknown.put(id, i);
            onUnknown.accept(i);
        }
    }

    /** An intent of this instance left open by an earlier life that could not be resolved yet: resolved like one of ours. */
    public void watch(Intent i) {
        if (i.instance().equals(instance)) {
            unknown.put(i.id(), i);
        }
    }

    /** Intent {@code id}'s batch is held for its requests now: it is closed with that batch's ticket or cancel. */
    public void held(String id) {
        unknown.remove(id);
    }

    /** Whether intent {@code id} is among the {@link #unknown()} ones (resolved by that pass, not the sweep). */
    public boolean watched(String id) {
        return unknown.containsKey(id);
    }

    /** The intents whose create outcome is unknown, not yet resolved. */
    public List<Intent> unknown() {
        return List.copyOf(unknown.values());
    }

    /** Whether intent {@code id} is being handled by this process now (create under way, or ticket pending). */
    public boolean active(String id) {
        prune(clock.instant());
        return inFlight.containsKey(id) || awaitingTicket.containsKey(id);
    }

    /**
     * Batch {@code batchId} was cancelled or reported here for an intent: it is never a candidate again (one
     * orphan is counted once, however many open intents it could match).
     */
    public void handled(String batchId) {
        createdHere.put(batchId, clock.instant());
    }

    /**
     * Whether this process created or already handled batch {@code batchId} (within the time an intent's window
     * can reach back).
     */
    public boolean known(String batchId) {
        return createdHere.containsKey(batchId);
    }

    private void prune(Instant now) {
        Instant ticketLimit = now.minus(TICKET_PENDING_AT_MOST);
        awaitingTicket.values().removeIf(at -> at.isBefore(ticketLimit));
        inFlight.values().removeIf(i -> i.at().isBefore(ticketLimit)); // a create that ended without an outcome
        Instant createdLimit = now.minus(REMEMBER_CREATED);
        createdHere.values().removeIf(at -> at.isBefore(createdLimit));
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
        inFlight.remove(id);
        awaitingTicket.remove(id);
        unknown.remove(id);
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
