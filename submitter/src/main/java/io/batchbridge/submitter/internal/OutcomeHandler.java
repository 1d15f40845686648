package io.batchbridge.submitter.internal;

import io.batchbridge.client.MessageBatch;
import io.batchbridge.common.records.BatchEvent;
import io.batchbridge.common.records.Coordinates;
import io.batchbridge.common.records.DeadLetterReason;
import io.batchbridge.common.records.DeadLetters;
import io.batchbridge.common.records.Problem;
import io.batchbridge.common.records.RequestEnvelope;
import io.batchbridge.common.records.Ticket;
import io.batchbridge.common.records.TicketCodec;
import io.batchbridge.common.records.TicketItem;
import io.batchbridge.common.topics.TopicNames;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/** Turns create outcomes and intake rejections into outbox records: tickets, events, dead letters. */
public final class OutcomeHandler {
    private static final Logger log = LoggerFactory.getLogger(OutcomeHandler.class);

    private final TopicNames topics;
    private final int itemsPerTicket;
    private final Clock clock;
    private final SubmitterMetrics metrics;

    public OutcomeHandler(TopicNames topics, int itemsPerTicket, Clock clock, SubmitterMetrics metrics) {
        this.topics = topics;
        this.itemsPerTicket = itemsPerTicket;
        this.clock = clock;
        this.metrics = metrics;
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
            RequestEnvelope e = i.request().envelope();
            Coordinates origin = e.origin() != null ? e.origin() : i.source();
            int source = sources.indexOf(i.source().topic());
            if (source < 0) {
                throw new IllegalStateException(
                        "the batch's sources lack " + i.source().topic());
            }
            items.add(new TicketItem(
                    TicketItem.batchCustomId(
                            source, i.source().partition(), i.source().offset()),
                    e.customId(),
                    e.replyTo(),
                    e.attempt(),
                    e.metadata(),
                    origin));
        }
        String id = created.id();
        byte[] key = id.getBytes(StandardCharsets.UTF_8);
        int parts = (items.size() + itemsPerTicket - 1) / itemsPerTicket;
        List<String> betas = List.copyOf(batch.lane().betas());
        List<ProducerRecord<byte[], byte[]>> out = new ArrayList<>(parts);
        for (int p = 0; p < parts; p++) {
            Ticket t = new Ticket(
                    id,
                    batch.lane().account(),
                    betas,
                    created.createdAt(),
                    created.expiresAt(),
                    items.size(),
                    p,
                    parts,
                    sources,
                    items.subList(p * itemsPerTicket, Math.min(items.size(), (p + 1) * itemsPerTicket)));
            out.add(new ProducerRecord<>(topics.batches(), key, TicketCodec.write(t)));
        }
        return out;
    }

    /** A created batch: its ticket parts and a {@code submitted} event; its items' offsets complete. */
    public void created(CreateOutcome.Created c, Outbox outbox) {
        PendingBatch batch = c.batch();
        List<ProducerRecord<byte[], byte[]>> tickets =
                c.tickets() != null ? c.tickets() : tickets(batch, c.created(), c.sources());
        for (LaneItem i : batch.items()) {
            outbox.completes(i.partition(), i.source().offset());
        }
        tickets.forEach(outbox::add);
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
        try (MDC.MDCCloseable ignored = MDC.putCloseable("batch_id", id)) {
            log.info("created batch {} with {} requests in lane {}", id, requests, batch.lane());
        }
    }

    /** The API refused one request at create time (isolated by bisection). */
    public void rejected(CreateOutcome.Rejected r, Outbox outbox) {
        LaneItem i = r.batch().items().get(0);
        Problem problem = new Problem(
                DeadLetterReason.REJECTED_BY_API,
                "the API rejected the request at batch creation (" + r.errorType() + "): " + r.message());
        deadLetter(
                problem,
                i.request().envelope().customId(),
                i.source(),
                i.request().envelope().origin(),
                i.raw(),
                i.request().envelope().attempt(),
                outbox);
        metrics.createFailed("rejected");
    }

    public void deadLetter(Intake.Reject r, Outbox outbox) {
        deadLetter(r.problem(), r.customId(), r.source(), null, r.raw(), r.attempt(), outbox);
    }

    private void deadLetter(
            Problem problem,
            String customId,
            Coordinates source,
            Coordinates origin,
            byte[] raw,
            int attempt,
            Outbox outbox) {
        outbox.add(DeadLetters.record(topics.dlq(), problem, raw, customId, source, origin, attempt, null));
        try (MDC.MDCCloseable c = MDC.putCloseable("custom_id", String.valueOf(customId));
                MDC.MDCCloseable s = MDC.putCloseable("coordinates", source.toString())) {
            log.info("dead-lettered {}: {}", source, problem.reason().code());
        }
        outbox.completes(
                new org.apache.kafka.common.TopicPartition(source.topic(), source.partition()), source.offset());
        metrics.deadLettered(problem.reason());
    }
}
