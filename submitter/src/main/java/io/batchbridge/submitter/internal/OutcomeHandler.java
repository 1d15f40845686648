package io.batchbridge.submitter.internal;

import io.batchbridge.client.MessageBatch;
import io.batchbridge.common.records.BatchEvent;
import io.batchbridge.common.records.Coordinates;
import io.batchbridge.common.records.DeadLetter;
import io.batchbridge.common.records.Problem;
import io.batchbridge.common.records.RequestEnvelope;
import io.batchbridge.common.records.Ticket;
import io.batchbridge.common.records.TicketItem;
import io.batchbridge.common.topics.TopicNames;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/** Turns create outcomes and intake rejections into outbox records: tickets, events, dead letters. */
public final class OutcomeHandler {
    private static final Logger log = LoggerFactory.getLogger(OutcomeHandler.class);

    private final TopicNames topics;
    private final TicketParts ticketParts;
    private final int dlqLimit;
    private final Clock clock;
    private final SubmitterMetrics metrics;

    /**
     * @param itemsPerTicket the most items in one ticket record (records are split by bytes as well)
     * @param limits the largest record each destination topic takes
     */
    public OutcomeHandler(
            TopicNames topics, int itemsPerTicket, TopicLimits limits, Clock clock, SubmitterMetrics metrics) {
        this.topics = topics;
        this.ticketParts = new TicketParts(topics.batches(), itemsPerTicket, limits.of(topics.batches()));
        this.dlqLimit = limits.of(topics.dlq());
        this.clock = clock;
        this.metrics = metrics;
    }

    /** How tickets are split, for checking before a create that each request's entry fits. */
    public TicketParts ticketParts() {
        return ticketParts;
    }

    /**
     * A created batch's ticket records. Pure and thread-safe: the create thread calls it as soon as the API
     * answered, so the poll thread does not serialise 10,000 ticket items between two polls (the intake
     * profile showed it there).
     */
    public List<ProducerRecord<byte[], byte[]>> tickets(
            PendingBatch batch, MessageBatch created, List<String> sources) {
        List<TicketItem> items = new ArrayList<>(batch.items().size());
        for (LaneItem i : batch.items()) {
            TicketItem answered = TicketParts.item(i, sources);
            items.add(answered);
            for (LaneItem s : i.sharing()) {
                items.add(TicketParts.item(s, sources).sharing(answered.batchCustomId()));
            }
        }
        return ticketParts.records(new Ticket(
                created.id(),
                batch.lane().account(),
                List.copyOf(batch.lane().betas()),
                created.createdAt(),
                created.expiresAt(),
                items.size(),
                0,
                1,
                sources,
                items));
    }

    /** A created batch: its ticket parts and a {@code submitted} event; its items' offsets complete. */
    public void created(CreateOutcome.Created c, Outbox outbox) {
        PendingBatch batch = c.batch();
        List<ProducerRecord<byte[], byte[]>> tickets =
                c.tickets() != null ? c.tickets() : tickets(batch, c.created(), c.sources());
        batch.all().forEach(i -> outbox.completes(i.partition(), i.source().offset()));
        tickets.forEach(outbox::add);
        if (c.intentId() != null) {
            outbox.add(intentTombstone(c.intentId())); // closed in the ticket's transaction
        }
        outbox.created(BatchCreator.orphan(c));
        String id = c.created().id();
        byte[] key = id.getBytes(StandardCharsets.UTF_8);
        List<String> betas = List.copyOf(batch.lane().betas());
        int requests = batch.items().size();
        Duration sinceFirst = Duration.between(batch.firstAt(), clock.instant());
        BatchEvent event = new BatchEvent(
                BatchEvent.Type.SUBMITTED,
                id,
                batch.lane().account(),
                betas,
                requests,
                Map.of("processing", (long) requests),
                clock.instant(),
                Map.of("create_latency_ms", c.latency().toMillis(), "time_to_create_ms", sinceFirst.toMillis()));
        outbox.add(new ProducerRecord<>(topics.batchEvents(), key, event.toJson()));
        metrics.created(batch.lane(), requests, batch.bodyBytes(), c.latency(), sinceFirst);
        long shared = batch.all().count() - requests;
        if (shared > 0) {
            metrics.shared(shared);
        }
        try (MDC.MDCCloseable ignored = MDC.putCloseable("batch_id", id)) {
            log.info("created batch {} with {} requests in lane {}", id, requests, batch.lane());
        }
    }

    private ProducerRecord<byte[], byte[]> intentTombstone(String intentId) {
        return new ProducerRecord<>(topics.intents(), intentId.getBytes(StandardCharsets.UTF_8), null);
    }

    /** Requests refused before or at create time: one dead letter each. */
    public void rejected(CreateOutcome.Rejected r, Outbox outbox) {
        for (CreateOutcome.Refusal refusal : r.refused()) {
            refused(refusal.item(), refusal.problem(), outbox);
        }
        metrics.createFailed("rejected");
    }

    /** One request that will never be part of a batch, and the requests sharing its answer: a dead letter each. */
    public void refused(LaneItem refused, Problem problem, Outbox outbox) {
        refused.all()
                .forEach(
                        item -> { // requests sharing a refused one's answer share its refusal
                            RequestEnvelope e = item.request().envelope();
                            deadLetter(
                                    DeadLetter.to(topics.dlq(), problem)
                                            .original(item.raw())
                                            .customId(e.customId())
                                            .failed(item.source())
                                            .origin(e.origin())
                                            .attempt(e.attempt()),
                                    problem,
                                    item.source(),
                                    outbox);
                        });
    }

    public void deadLetter(Intake.Reject r, Outbox outbox) {
        deadLetter(
                DeadLetter.to(topics.dlq(), r.problem())
                        .original(r.raw())
                        .customId(r.customId())
                        .failed(r.source())
                        .attempt(r.attempt()),
                r.problem(),
                r.source(),
                outbox);
    }

    /** Writes the dead letter, fitted to the dead-letter topic (without the value when that cannot fit). */
    private void deadLetter(DeadLetter letter, Problem problem, Coordinates source, Outbox outbox) {
        ProducerRecord<byte[], byte[]> record = letter.build(dlqLimit);
        outbox.add(record);
        try (MDC.MDCCloseable s = MDC.putCloseable("coordinates", source.toString())) {
            log.info(
                    "dead-lettered {}: {}{}",
                    source,
                    problem.reason().code(),
                    record.value() == null ? " (without its value: too large for the dead-letter topic)" : "");
        }
        outbox.completes(new TopicPartition(source.topic(), source.partition()), source.offset());
        metrics.deadLettered(problem.reason());
    }
}
