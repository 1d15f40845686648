package io.batchbridge.submitter.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.batchbridge.common.metrics.BridgeMetric;
import io.batchbridge.common.records.BridgeHeaders;
import io.batchbridge.common.records.Coordinates;
import io.batchbridge.common.records.EnvelopeCodec;
import io.batchbridge.common.records.RequestEnvelope;
import io.batchbridge.common.testing.ManualClock;
import io.batchbridge.common.validation.ValidRequest;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.TreeSet;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class SpendRefusalsTest {
    private static final byte[] PARAMS =
            "{\"model\":\"claude-haiku-4-5\",\"max_tokens\":10}".getBytes(StandardCharsets.UTF_8);
    private final ManualClock clock = ManualClock.at("2026-03-01T12:00:00Z");
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final SpendRefusals refusals = new SpendRefusals("retry", clock, new SubmitterMetrics(registry));
    private final LaneKey lane = new LaneKey("default", new TreeSet<>(), "team-a");

    @Test
    void retriesOfARefusedBatchGoBackToTheRetryTopicDueLaterAndTheirOffsetsComplete() throws Exception {
        LaneItem request = item("r1", new Coordinates("ta", 0, 7), 1, null);
        LaneItem retry = item("r2", new Coordinates("retry", 3, 41), 2, new Coordinates("ta", 1, 5));
        Outbox outbox = new Outbox();

        PendingBatch rest =
                refusals.deferRetries(new PendingBatch(lane, List.of(request, retry), Instant.EPOCH), outbox);

        assertThat(rest.items()).extracting(LaneItem::source).containsExactly(request.source());
        assertThat(outbox.done()).containsExactly(new Outbox.Done(new TopicPartition("retry", 3), 41));
        ProducerRecord<byte[], byte[]> r = outbox.records().get(0);
        assertThat(outbox.records()).hasSize(1);
        assertThat(r.topic()).isEqualTo("retry");
        RequestEnvelope e = EnvelopeCodec.parse(r.value()).envelope();
        Instant due = Instant.parse("2026-03-01T12:05:00Z");
        assertThat(e.customId()).isEqualTo("r2");
        assertThat(e.attempt()).isEqualTo(2); // not an attempt: the API never saw it
        assertThat(e.maxAttempts()).isEqualTo(3);
        assertThat(e.notBefore()).isEqualTo(due);
        assertThat(e.origin()).isEqualTo(new Coordinates("ta", 1, 5)); // keeps its tenant
        assertThat(BridgeHeaders.get(r.headers(), BridgeHeaders.NOT_BEFORE)).isEqualTo(due.toString());
        assertThat(BridgeHeaders.get(r.headers(), BridgeHeaders.ORIGIN_TOPIC)).isEqualTo("ta");
        assertThat(BridgeHeaders.get(r.headers(), BridgeHeaders.ATTEMPT)).isEqualTo("2");
        assertThat(registry.get(BridgeMetric.SUBMITTER_SPEND_RETRIES_DEFERRED.metricName())
                        .tag("tenant", "team-a")
                        .counter()
                        .count())
                .isEqualTo(1.0);
    }

    @Test
    void aRetrySharingARequestsAnswerIsDeferredAndARequestSharingARetrysAnswerStays() {
        LaneItem request = item("d", new Coordinates("ta", 0, 1), 1, null);
        LaneItem retry = item("d", new Coordinates("retry", 0, 2), 2, new Coordinates("ta", 0, 0));
        Outbox outbox = new Outbox();
        PendingBatch b = new PendingBatch(lane, List.of(retry.sharedBy(List.of(request))), Instant.EPOCH);

        PendingBatch rest = refusals.deferRetries(b, outbox);

        assertThat(rest.all()).extracting(LaneItem::source).containsExactly(request.source());
        assertThat(outbox.done()).containsExactly(new Outbox.Done(new TopicPartition("retry", 0), 2));
    }

    @Test
    void aBatchOfRequestsOnlyIsKeptAsItIsAndOneOfRetriesOnlyIsGone() {
        PendingBatch requests = new PendingBatch(lane, List.of(item("a", new Coordinates("ta", 0, 1), 1, null)), null);
        assertThat(refusals.deferRetries(requests, new Outbox())).isSameAs(requests);
        PendingBatch retries = new PendingBatch(
                lane, List.of(item("b", new Coordinates("retry", 0, 1), 2, new Coordinates("ta", 0, 0))), null);
        assertThat(refusals.deferRetries(retries, new Outbox())).isNull();
    }

    @Test
    void dueAtTheNextUtcDayWhenThatIsSooner() {
        clock.set(Instant.parse("2026-03-01T23:58:00Z"));
        assertThat(refusals.due()).isEqualTo(Instant.parse("2026-03-02T00:00:00Z"));
    }

    private static LaneItem item(String id, Coordinates source, int attempt, Coordinates origin) {
        RequestEnvelope e =
                new RequestEnvelope(id, PARAMS, null, List.of(), null, null, attempt, null, origin, null, 3);
        ValidRequest v = new ValidRequest(e, "default", new TreeSet<>(), "claude-haiku-4-5", 10, false);
        return new LaneItem(v, source, EnvelopeCodec.write(e));
    }
}
