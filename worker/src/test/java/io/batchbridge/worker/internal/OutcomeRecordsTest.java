package io.batchbridge.worker.internal;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.batchbridge.common.model.ModelCatalogue;
import io.batchbridge.common.records.Coordinates;
import io.batchbridge.common.records.DeadLetterReason;
import io.batchbridge.common.records.EnvelopeCodec;
import io.batchbridge.common.records.Problem;
import io.batchbridge.common.records.RequestEnvelope;
import io.batchbridge.common.records.Ticket;
import io.batchbridge.common.records.TicketItem;
import io.batchbridge.common.topics.TopicNames;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/** Issue #19: a retry record carries the attempt limit of its ticket item, and only that. */
class OutcomeRecordsTest {
    private static final Instant NOW = Instant.parse("2026-11-22T10:00:00Z");
    private final OutcomeRecords records =
            new OutcomeRecords(TopicNames.defaults(), ModelCatalogue.defaults(), Clock.fixed(NOW, ZoneOffset.UTC));

    /** A tracked batch of one item on {@code attempt} carrying {@code maxAttempts} (0: none). */
    private static OpenBatch batch(int attempt, int maxAttempts) {
        TicketItem item = new TicketItem(
                TicketItem.batchCustomId(0, 0, 5),
                "order-1",
                null,
                attempt,
                null,
                new Coordinates("bridge.requests", 0, 5),
                maxAttempts);
        OpenBatch b = new OpenBatch("msgbatch_1", new TopicPartition("bridge.batches", 0), 1, NOW);
        Ticket t = new Ticket(
                "msgbatch_1",
                "default",
                List.of(),
                NOW,
                NOW.plus(Duration.ofDays(1)),
                1,
                0,
                1,
                List.of("bridge.requests"),
                List.of(item));
        b.addPart(t, 0);
        b.load(List.of(t)); // as a fan-out does: the routing facts are read back from the ticket
        return b;
    }

    /** The request as its producer published it, claiming a limit of its own (ignored on a request topic). */
    private static final byte[] ORIGINAL =
            ("{\"custom_id\":\"order-1\",\"params\":{\"model\":\"m\"},\"max_attempts\":99}").getBytes(UTF_8);

    private RequestEnvelope retryOf(OpenBatch b) throws Exception {
        var r = records.retry(
                b, 0, ORIGINAL, new Problem(DeadLetterReason.API_ERROR, "overloaded_error: busy"), Duration.ZERO);
        assertThat(r.topic()).isEqualTo(TopicNames.defaults().retry());
        return EnvelopeCodec.parse(r.value()).envelope();
    }

    @Test
    void theRetryRecordCarriesTheItemsLimitNotTheOriginalRecordsClaim() throws Exception {
        RequestEnvelope next = retryOf(batch(1, 4));

        assertThat(next.attempt()).isEqualTo(2);
        assertThat(next.maxAttempts()).isEqualTo(4);
        assertThat(next.origin()).isEqualTo(new Coordinates("bridge.requests", 0, 5));
        assertThat(next.lastError()).isEqualTo("overloaded_error: busy");
    }

    @Test
    void anItemWithoutALimitGivesARetryRecordWithoutOneForTheSubmitterToSet() throws Exception {
        RequestEnvelope next = retryOf(batch(2, 0));

        assertThat(next.attempt()).isEqualTo(3);
        assertThat(next.maxAttempts()).isZero();
    }
}
