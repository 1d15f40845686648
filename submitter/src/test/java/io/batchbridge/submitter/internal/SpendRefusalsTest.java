package io.batchbridge.submitter.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.batchbridge.common.metrics.BridgeMetric;
import io.batchbridge.common.records.BridgeHeaders;
import io.batchbridge.common.records.Coordinates;
import io.batchbridge.common.records.DeadLetterReason;
import io.batchbridge.common.records.EnvelopeCodec;
import io.batchbridge.common.records.Problem;
import io.batchbridge.common.records.RequestEnvelope;
import io.batchbridge.common.testing.ManualClock;
import io.batchbridge.common.validation.ValidRequest;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.BiConsumer;
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

    @Test
    void aBatchWhoseWorstCaseAloneExceedsALimitIsSplitAndARequestThatCanNeverFitIsRefused() {
        PendingBatch small = SpendGuardTest.batch(4000, 1000, 1, "team-a");
        long one = SpendGuard.off(io.batchbridge.common.model.ModelCatalogue.defaults(), clock)
                .estimateMicros(small);
        SpendGuard guard = guard(new SpendLimits(10 * one, Map.of("team-a", one + one / 2)));
        PendingBatch four = SpendGuardTest.batch(4000, 1000, 4, "team-a");
        List<PendingBatch> refused = new ArrayList<>();
        List<Problem> problems = new ArrayList<>();
        BiConsumer<PendingBatch, Problem> onRefused = (b, p) -> {
            refused.add(b);
            problems.add(p);
        };

        List<PendingBatch> parts = refusals.fit(four, guard, onRefused);

        assertThat(parts).hasSize(4).allSatisfy(p -> assertThat(p.items()).hasSize(1));
        assertThat(parts.stream().flatMap(p -> p.items().stream()))
                .containsExactlyElementsOf(four.items()); // in order, none lost
        assertThat(refused).isEmpty();
        assertThat(refusals.fit(small, guard, onRefused)).containsExactly(small);

        PendingBatch mixed = small.with(List.of(
                small.items().get(0),
                SpendGuardTest.batch(40_000, 1000, 1, "team-a").items().get(0)));
        parts = refusals.fit(mixed, guard, onRefused);
        assertThat(parts).hasSize(1);
        assertThat(parts.get(0).items()).containsExactly(small.items().get(0));
        assertThat(refused).hasSize(1);
        assertThat(problems.get(0).reason()).isEqualTo(DeadLetterReason.SPEND_LIMIT_EXCEEDED);
        assertThat(problems.get(0).message())
                .contains("bridge.submitter.spend.limit.usd.per.day.per.tenant (tenant team-a)")
                .contains("USD");
        assertThat(registry.get(BridgeMetric.SUBMITTER_SPEND_BATCHES_SPLIT.metricName())
                        .counter()
                        .count())
                .isEqualTo(4.0); // 4 → 2 + 2 → 1 + 1 + 1 + 1: three splits, then the mixed pair once
    }

    @Test
    void underTheDeploymentsLimitTooAndNothingIsSplitWithoutALimit() {
        PendingBatch two = SpendGuardTest.batch(4000, 1000, 2, "team-b");
        SpendGuard off = SpendGuard.off(io.batchbridge.common.model.ModelCatalogue.defaults(), clock);
        assertThat(refusals.fit(two, off, (b, p) -> {})).containsExactly(two);
        long one = off.estimateMicros(two) / 2;
        List<Problem> problems = new ArrayList<>();
        List<PendingBatch> parts =
                refusals.fit(two, guard(new SpendLimits(one - 1, Map.of())), (b, p) -> problems.add(p));
        assertThat(parts).isEmpty();
        assertThat(problems).hasSize(2);
        assertThat(problems.get(0).message()).contains("bridge.submitter.spend.limit.usd.per.day of");
    }

    private SpendGuard guard(SpendLimits limits) {
        return new SpendGuard(
                limits,
                io.batchbridge.common.model.ModelCatalogue.defaults(),
                io.batchbridge.common.config.Tenants.of(List.of("ta:team-a", "tb:team-b")),
                "retry",
                new MemorySpendLedger(new MemorySpendLedger.Log()),
                "i1",
                clock);
    }

    private static LaneItem item(String id, Coordinates source, int attempt, Coordinates origin) {
        RequestEnvelope e =
                new RequestEnvelope(id, PARAMS, null, List.of(), null, null, attempt, null, origin, null, 3);
        ValidRequest v = new ValidRequest(e, "default", new TreeSet<>(), "claude-haiku-4-5", 10, false);
        return new LaneItem(v, source, EnvelopeCodec.write(e));
    }
}
