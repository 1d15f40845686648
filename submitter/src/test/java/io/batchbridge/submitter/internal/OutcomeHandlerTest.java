package io.batchbridge.submitter.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.batchbridge.client.MessageBatch;
import io.batchbridge.common.records.Coordinates;
import io.batchbridge.common.records.RequestEnvelope;
import io.batchbridge.common.records.Ticket;
import io.batchbridge.common.records.TicketCodec;
import io.batchbridge.common.records.TicketItem;
import io.batchbridge.common.topics.TopicNames;
import io.batchbridge.common.validation.ValidRequest;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/** Tickets built on the create thread are the very records the poll thread would have written. */
class OutcomeHandlerTest {
    private static final Instant NOW = Instant.parse("2026-11-22T09:00:00Z");
    private static final TopicNames TOPICS = TopicNames.defaults();

    private final OutcomeHandler handler = new OutcomeHandler(
            TOPICS,
            3,
            new TopicLimits(java.util.Map.of(), 16 * 1024 * 1024),
            Clock.fixed(NOW, ZoneOffset.UTC),
            new SubmitterMetrics(new SimpleMeterRegistry()));

    private static LaneItem item(String topic, int partition, long offset, Coordinates origin, int attempt) {
        RequestEnvelope e = new RequestEnvelope(
                "user-" + offset,
                "{\"model\":\"m\"}".getBytes(StandardCharsets.UTF_8),
                offset % 2 == 0 ? "bridge.results.a" : null,
                List.of(),
                null,
                null,
                attempt,
                null,
                origin,
                null);
        return new LaneItem(
                new ValidRequest(e, "default", new TreeSet<>(), "m", 10, false),
                new Coordinates(topic, partition, offset),
                new byte[] {1});
    }

    private static PendingBatch batch() {
        List<LaneItem> items = new ArrayList<>();
        for (int k = 0; k < 7; k++) {
            items.add(item("bridge.requests", k % 2, 100 + k, null, 1));
        }
        items.add(item("bridge.retry", 3, 9, new Coordinates("bridge.requests", 1, 55), 2));
        return new PendingBatch(new LaneKey("default", new TreeSet<>()), items, NOW.minusSeconds(5));
    }

    private static MessageBatch created() {
        return new MessageBatch(
                "msgbatch_1", MessageBatch.IN_PROGRESS, null, NOW, NOW.plusSeconds(86_400), null, null, null, null);
    }

    @Test
    void ticketsNameEveryItemWithItsSourceAndOrigin() {
        PendingBatch b = batch();
        List<String> sources = List.of("bridge.requests", "bridge.retry");
        List<ProducerRecord<byte[], byte[]>> records = handler.tickets(b, created(), sources);

        assertThat(records).hasSize(3); // 8 items, 3 per record
        List<TicketItem> items = new ArrayList<>();
        for (int p = 0; p < records.size(); p++) {
            assertThat(records.get(p).topic()).isEqualTo(TOPICS.batches());
            Ticket t = TicketCodec.read(records.get(p).value());
            assertThat(t.part()).isEqualTo(p);
            assertThat(t.parts()).isEqualTo(3);
            assertThat(t.requestCount()).isEqualTo(8);
            items.addAll(t.items());
        }
        for (int k = 0; k < b.items().size(); k++) {
            LaneItem in = b.items().get(k);
            TicketItem out = items.get(k);
            assertThat(out.source(sources)).isEqualTo(in.source());
            assertThat(out.customId()).isEqualTo(in.request().envelope().customId());
            assertThat(out.replyTo()).isEqualTo(in.request().envelope().replyTo());
            assertThat(out.attempt()).isEqualTo(in.request().envelope().attempt());
        }
        assertThat(items.get(7).origin()).isEqualTo(new Coordinates("bridge.requests", 1, 55));
        assertThat(items.get(0).origin()).isEqualTo(new Coordinates("bridge.requests", 0, 100));
    }

    @Test
    void prebuiltTicketsAndTicketsBuiltOnThePollThreadWriteTheSameOutbox() {
        PendingBatch b = batch();
        List<String> sources = List.of("bridge.requests", "bridge.retry");
        Outbox prebuilt = new Outbox();
        handler.created(
                new CreateOutcome.Created(
                        b, created(), sources, Duration.ofMillis(5), handler.tickets(b, created(), sources)),
                prebuilt);
        Outbox onPollThread = new Outbox();
        handler.created(new CreateOutcome.Created(b, created(), sources, Duration.ofMillis(5), null), onPollThread);

        assertThat(prebuilt.records()).hasSize(4); // three ticket parts and the submitted event
        assertThat(onPollThread.records()).hasSameSizeAs(prebuilt.records());
        for (int k = 0; k < prebuilt.records().size(); k++) {
            assertThat(onPollThread.records().get(k).topic())
                    .isEqualTo(prebuilt.records().get(k).topic());
            assertThat(onPollThread.records().get(k).value())
                    .isEqualTo(prebuilt.records().get(k).value());
        }
        assertThat(prebuilt.done()).isEqualTo(onPollThread.done()).hasSize(8);
    }

    @Test
    void anItemFromATopicMissingInTheSourcesFailsLoudly() {
        assertThatThrownBy(() -> handler.tickets(batch(), created(), List.of("bridge.requests")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("bridge.retry");
    }
}
