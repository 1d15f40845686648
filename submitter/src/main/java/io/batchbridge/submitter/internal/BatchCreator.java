package io.batchbridge.submitter.internal;

import io.batchbridge.client.BatchesApiException;
import io.batchbridge.client.BatchesClient;
import io.batchbridge.client.CreateBody;
import io.batchbridge.client.MessageBatch;
import io.batchbridge.common.records.TicketItem;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates API batches off the poll thread (invariant 3: the poll loop never waits on the API). Outcomes
 * are queued for the poll thread, which owns the consumer and the transactional producer.
 */
public final class BatchCreator implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(BatchCreator.class);

    private final Function<String, BatchesClient> clients;
    private final Clock clock;
    private final Duration backoff;
    private final long spoolThresholdBytes;
    private final ExecutorService executor;
    private final Queue<CreateOutcome> outcomes = new ConcurrentLinkedQueue<>();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final int maxInFlight;
    private final TicketBuilder tickets;

    /** Builds a created batch's ticket records (thread-safe); see {@link OutcomeHandler#tickets}. */
    @FunctionalInterface
    public interface TicketBuilder {
        List<ProducerRecord<byte[], byte[]>> build(PendingBatch batch, MessageBatch created, List<String> sources);
    }

    public BatchCreator(
            Function<String, BatchesClient> clients,
            Clock clock,
            Duration backoff,
            long spoolThresholdBytes,
            int maxInFlight,
            TicketBuilder tickets) {
        this.clients = clients;
        this.tickets = tickets;
        this.clock = clock;
        this.backoff = backoff;
        this.spoolThresholdBytes = spoolThresholdBytes;
        this.maxInFlight = maxInFlight;
        this.executor = Executors.newFixedThreadPool(maxInFlight, r -> {
            Thread t = new Thread(r, "submitter-create");
            t.setDaemon(true);
            return t;
        });
    }

    public boolean hasCapacity() {
        return inFlight.get() < maxInFlight;
    }

    public int inFlight() {
        return inFlight.get();
    }

    public void submit(PendingBatch batch) {
        inFlight.incrementAndGet();
        executor.execute(() -> {
            try {
                outcomes.add(create(batch));
            } catch (RuntimeException e) {
                log.error(
                        "unexpected failure creating a batch of {} requests in lane {}",
                        batch.items().size(),
                        batch.lane(),
                        e);
                outcomes.add(new CreateOutcome.Transient(batch, clock.instant().plus(backoff), e.toString(), true));
            } finally {
                inFlight.decrementAndGet();
            }
        });
    }

    /** Outcomes ready for the poll thread. */
    public List<CreateOutcome> drain() {
        List<CreateOutcome> out = new ArrayList<>();
        for (CreateOutcome o; (o = outcomes.poll()) != null; ) {
            out.add(o);
        }
        return out;
    }

    CreateOutcome create(PendingBatch batch) {
        List<String> sources = new ArrayList<>();
        long t0 = System.nanoTime();
        Path spool = null;
        try {
            CreateBody.Builder body;
            if (batch.bodyBytes() > spoolThresholdBytes) {
                spool = Files.createTempFile("bridge-create-", ".json");
                body = CreateBody.spooled(spool);
            } else {
                body = CreateBody.inMemory();
            }
            for (LaneItem item : batch.items()) {
                // params were read as one JSON object by EnvelopeCodec at intake: no second parse
                body.addParsed(
                        batchCustomId(item, sources), item.request().envelope().params());
            }
            MessageBatch created = clients.apply(batch.lane().account())
                    .create(body.build(), batch.lane().betas());
            Duration latency = Duration.ofNanos(System.nanoTime() - t0);
            return new CreateOutcome.Created(batch, created, sources, latency, ticketsOrNull(batch, created, sources));
        } catch (BatchesApiException e) {
            return classify(batch, e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot spool a create body", e);
        } finally {
            if (spool != null) {
                try {
                    Files.deleteIfExists(spool);
                } catch (IOException e) {
                    log.warn("cannot delete spool file {}", spool);
                }
            }
        }
    }

    /**
     * The batch exists at the API now: a failure here must not look like a failed create (it would be created
     * again), so the poll thread gets null and builds the tickets itself.
     */
    private List<ProducerRecord<byte[], byte[]>> ticketsOrNull(
            PendingBatch batch, MessageBatch created, List<String> sources) {
        try {
            return tickets.build(batch, created, List.copyOf(sources));
        } catch (RuntimeException e) {
            log.warn("cannot build the ticket of batch {} off the poll thread; the poll thread will", created.id(), e);
            return null;
        }
    }

    static String batchCustomId(LaneItem item, List<String> sources) {
        int index = sources.indexOf(item.source().topic());
        if (index < 0) {
            sources.add(item.source().topic());
            index = sources.size() - 1;
        }
        return TicketItem.batchCustomId(
                index, item.source().partition(), item.source().offset());
    }

    /** The one classifier for create failures: retry later, isolate by bisection, or stop. */
    CreateOutcome classify(PendingBatch batch, BatchesApiException e) {
        int status = e.status();
        if (status == 401 || status == 403) {
            return new CreateOutcome.Fatal(
                    batch,
                    "the API refused the account '" + batch.lane().account() + "' (" + status + " " + e.errorType()
                            + "): check its key and permissions");
        }
        if ((status == 400 || status == 413) && !e.retryable()) {
            String message = e.getMessage();
            return batch.items().size() == 1
                    ? new CreateOutcome.Rejected(batch, e.errorType(), message)
                    : new CreateOutcome.Bisect(batch, e.errorType(), message);
        }
        Instant retryAt = clock.instant()
                .plus(e.retryAfter().filter(d -> d.compareTo(backoff) > 0).orElse(backoff));
        return new CreateOutcome.Transient(batch, retryAt, status + " " + e.errorType(), e.outcomeUnknown());
    }

    @Override
    public void close() {
        executor.shutdown();
    }

    /** Waits for creates in flight (shutdown, revocation); false when they did not finish in time. */
    public boolean awaitIdle(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (inFlight.get() > 0 && System.nanoTime() < deadline) {
            // Creates report through the queue; there is no future to join, so poll at a short interval.
            TimeUnit.MILLISECONDS.sleep(10);
        }
        return inFlight.get() == 0;
    }
}
