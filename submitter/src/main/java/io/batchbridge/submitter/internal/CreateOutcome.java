package io.batchbridge.submitter.internal;

import io.batchbridge.client.MessageBatch;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.clients.producer.ProducerRecord;

/** What became of a {@link PendingBatch} at the API. Handled on the poll thread. */
public sealed interface CreateOutcome {
    PendingBatch batch();

    /**
     * The API accepted the batch: write its ticket.
     *
     * @param tickets the ticket records, built on the create thread; null when they could not be (the poll
     *     thread then builds them)
     */
    record Created(
            PendingBatch batch,
            MessageBatch created,
            List<String> sources,
            Duration latency,
            List<ProducerRecord<byte[], byte[]>> tickets)
            implements CreateOutcome {}

    /** The API rejected a single request at create time: dead-letter it. */
    record Rejected(PendingBatch batch, String errorType, String message) implements CreateOutcome {}

    /** The API rejected the whole batch: try each half on its own. */
    record Bisect(PendingBatch batch, String errorType, String message) implements CreateOutcome {}

    /** Outage, rate limit, open breaker, unknown outcome: keep the batch, pause intake, try again later. */
    record Transient(PendingBatch batch, Instant retryAt, String reason, boolean outcomeUnknown)
            implements CreateOutcome {}

    /** Misconfiguration (bad key, no permission): stop loudly. */
    record Fatal(PendingBatch batch, String reason) implements CreateOutcome {}
}
