package io.batchbridge.submitter.internal;

import io.batchbridge.client.MessageBatch;
import io.batchbridge.common.records.DeadLetterReason;
import io.batchbridge.common.records.Problem;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * What became of a {@link PendingBatch} at the API. Handled on the poll thread. One submitted batch may give two
 * outcomes: the requests refused before the create ({@link Rejected}) and what became of the rest.
 */
public sealed interface CreateOutcome {
    PendingBatch batch();

    /**
     * The API accepted the batch: write its ticket.
     *
     * @param tickets the ticket records, built on the create thread; null when they could not be (the poll
     *     thread then builds them)
     * @param intentId the create intent its ticket transaction closes, or null
     */
    record Created(
            PendingBatch batch,
            MessageBatch created,
            List<String> sources,
            Duration latency,
            List<ProducerRecord<byte[], byte[]>> tickets,
            String intentId)
            implements CreateOutcome {

        public Created(
                PendingBatch batch,
                MessageBatch created,
                List<String> sources,
                Duration latency,
                List<ProducerRecord<byte[], byte[]>> tickets) {
            this(batch, created, sources, latency, tickets, null);
        }
    }

    /** One request that will never be part of a batch, and why: it becomes a dead letter. */
    record Refusal(LaneItem item, Problem problem) {}

    /**
     * Requests refused before or at create time (their ticket entry cannot fit, their beta set cannot be sent or
     * was rejected, the API rejected them alone, the bisection budget is spent): dead-letter each.
     *
     * @param batch exactly the refused requests
     */
    record Rejected(PendingBatch batch, List<Refusal> refused) implements CreateOutcome {
        public Rejected {
            refused = List.copyOf(refused);
        }

        /** Every request of the batch, for one reason. */
        static Rejected all(PendingBatch batch, DeadLetterReason reason, String message) {
            Problem p = new Problem(reason, message);
            return new Rejected(
                    batch, batch.items().stream().map(i -> new Refusal(i, p)).toList());
        }
    }

    /** The API rejected the whole batch: try each half on its own (within the batch's bisection budget). */
    record Bisect(PendingBatch batch, String errorType, String message) implements CreateOutcome {}

    /** Outage, rate limit, open breaker, unknown outcome: keep the batch, pause intake, try again later. */
    record Transient(PendingBatch batch, Instant retryAt, String reason, boolean outcomeUnknown)
            implements CreateOutcome {}

    /** Misconfiguration (bad key, no permission): stop loudly. */
    record Fatal(PendingBatch batch, String reason) implements CreateOutcome {}

    /**
     * A create that finished after a partition of its requests was revoked: the new owner reads them again, so
     * this submitter forgets them (a batch the API accepted meanwhile was cancelled as an orphan).
     *
     * @param batchId the batch the API accepted for them (held as an orphan, reused or cancelled later), or null
     *     when the create made none that this submitter knows of
     */
    record Abandoned(PendingBatch batch, String batchId) implements CreateOutcome {}
}
