package io.batchbridge.submitter.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.batchbridge.client.MessageBatch;
import io.batchbridge.common.config.Tenants;
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
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** Identical requests of one batch and tenant become one API item; the others share its answer. */
class DuplicatesTest {
    private static final Instant NOW = Instant.parse("2026-12-03T09:00:00Z");
    private static final LaneKey LANE = new LaneKey("default", new TreeSet<>());
    private static final String A_TOPIC = "req.a";
    private static final String B_TOPIC = "req.b";

    private final OutcomeHandler handler = new OutcomeHandler(
            TopicNames.defaults(),
            100,
            new TopicLimits(Map.of(), 16 * 1024 * 1024),
            Clock.fixed(NOW, ZoneOffset.UTC),
            new SubmitterMetrics(new SimpleMeterRegistry()));
    private final Duplicates dedup = new Duplicates(Tenants.of(List.of(A_TOPIC + ":alpha", B_TOPIC + ":beta")));

    private static LaneItem item(String topic, long offset, String text) {
        return item(topic, offset, text, null);
    }

    private static LaneItem item(String topic, long offset, String text, Coordinates origin) {
        RequestEnvelope e = new RequestEnvelope(
                "user-" + topic.replace(".", "_") + "-" + offset,
                ("{\"model\":\"m\",\"max_tokens\":10,\"messages\":[{\"role\":\"user\",\"content\":\"" + text + "\"}]}")
                        .getBytes(StandardCharsets.UTF_8),
                null,
                List.of(),
                null,
                null,
                origin == null ? 1 : 2,
                null,
                origin,
                null);
        return new LaneItem(
                new ValidRequest(e, "default", new TreeSet<>(), "m", 10, false),
                new Coordinates(topic, 0, offset),
                new byte[] {(byte) offset});
    }

    private static PendingBatch batch(LaneItem... items) {
        return new PendingBatch(LANE, List.of(items), NOW);
    }

    @Test
    void identicalParamsOfOneTenantBecomeOneItemTheFirstInArrivalOrder() {
        LaneItem first = item(A_TOPIC, 1, "same");
        LaneItem other = item(A_TOPIC, 2, "different");
        LaneItem second = item(A_TOPIC, 3, "same");
        LaneItem third = item(A_TOPIC, 4, "same");

        PendingBatch out = dedup.collapse(batch(first, other, second, third));

        assertThat(out.items()).extracting(LaneItem::source).containsExactly(first.source(), other.source());
        assertThat(out.items().get(0).sharing())
                .extracting(LaneItem::source)
                .containsExactly(second.source(), third.source());
        assertThat(out.items().get(1).sharing()).isEmpty();
        assertThat(out.all()).hasSize(4);
        assertThat(out.rawBytes()).isEqualTo(4); // every record it stands for still counts in the buffers
    }

    @Test
    void anotherTenantsIdenticalRequestIsNeverShared() {
        PendingBatch b = batch(item(A_TOPIC, 1, "same"), item(B_TOPIC, 1, "same"));

        assertThat(dedup.collapse(b)).isSameAs(b);
    }

    @Test
    void aRetryBelongsToTheTenantOfItsOriginTopicNotToTheRetryTopic() {
        LaneItem fresh = item(A_TOPIC, 1, "same");
        LaneItem retryOfA = item("bridge.retry", 7, "same", new Coordinates(A_TOPIC, 0, 0));
        LaneItem retryOfB = item("bridge.retry", 8, "same", new Coordinates(B_TOPIC, 0, 0));

        PendingBatch out = dedup.collapse(batch(fresh, retryOfA, retryOfB));

        assertThat(out.items()).extracting(LaneItem::source).containsExactly(fresh.source(), retryOfB.source());
        assertThat(out.items().get(0).sharing()).extracting(LaneItem::source).containsExactly(retryOfA.source());
    }

    @Test
    void collapsingTwiceIsCollapsingOnceAndGroupsMerge() {
        PendingBatch once = dedup.collapse(batch(item(A_TOPIC, 1, "x"), item(A_TOPIC, 2, "x")));
        assertThat(dedup.collapse(once)).isSameAs(once);

        // a batch put back together from two collapsed ones (a re-queue) keeps one item per group
        List<LaneItem> both = new ArrayList<>(once.items());
        both.addAll(dedup.collapse(batch(item(A_TOPIC, 3, "x"), item(A_TOPIC, 4, "x")))
                .items());
        PendingBatch merged = dedup.collapse(new PendingBatch(LANE, both, NOW));

        assertThat(merged.items()).hasSize(1);
        assertThat(merged.items().get(0).sharing())
                .extracting(i -> i.source().offset())
                .containsExactly(2L, 3L, 4L);
        assertThat(merged.items().get(0).sharing())
                .allSatisfy(s -> assertThat(s.sharing()).isEmpty());
    }

    @Test
    void sharedRequestsAnAdoptedBatchsSourcesCannotNameAreSentOnTheirOwn() {
        LaneItem lead = item(A_TOPIC, 1, "x");
        LaneItem sameTopic = item(A_TOPIC, 2, "x");
        LaneItem otherTopic = item("bridge.retry", 3, "x", new Coordinates(A_TOPIC, 0, 0));
        PendingBatch collapsed = dedup.collapse(batch(lead, sameTopic, otherTopic));
        List<LaneItem> spill = new ArrayList<>();

        List<LaneItem> kept = Duplicates.within(collapsed.items(), List.of(A_TOPIC), spill);

        assertThat(kept.get(0).sharing()).extracting(LaneItem::source).containsExactly(sameTopic.source());
        assertThat(spill).extracting(LaneItem::source).containsExactly(otherTopic.source());
    }

    @Test
    void theTicketNamesEverySharedRequestWithTheItemWhoseAnswerItShares() {
        PendingBatch collapsed =
                dedup.collapse(batch(item(A_TOPIC, 1, "x"), item(A_TOPIC, 2, "y"), item(A_TOPIC, 3, "x")));
        MessageBatch created = new MessageBatch(
                "msgbatch_1", MessageBatch.IN_PROGRESS, null, NOW, NOW.plusSeconds(86_400), null, null, null, null);

        Ticket t = TicketCodec.read(
                handler.tickets(collapsed, created, List.of(A_TOPIC)).get(0).value());

        assertThat(t.requestCount()).isEqualTo(3);
        assertThat(t.items())
                .extracting(TicketItem::customId)
                .containsExactly("user-req_a-1", "user-req_a-3", "user-req_a-2");
        assertThat(t.items()).extracting(TicketItem::sharedWith).containsExactly(null, "s0-p0-o1", null);
    }

    @Test
    void aRefusedRequestsSharersAreRefusedWithItAndEveryOffsetCompletes() {
        PendingBatch collapsed =
                dedup.collapse(batch(item(A_TOPIC, 1, "x"), item(A_TOPIC, 2, "x"), item(A_TOPIC, 3, "x")));
        Outbox outbox = new Outbox();

        handler.rejected(
                CreateOutcome.Rejected.all(
                        collapsed, io.batchbridge.common.records.DeadLetterReason.INVALID_FIELD, "refused"),
                outbox);

        assertThat(outbox.records())
                .hasSize(3)
                .allSatisfy(r ->
                        assertThat(r.topic()).isEqualTo(TopicNames.defaults().dlq()));
        assertThat(outbox.done()).hasSize(3);
    }
}
