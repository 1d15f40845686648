package io.batchbridge.submitter.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.batchbridge.common.records.Coordinates;
import io.batchbridge.common.records.RequestEnvelope;
import io.batchbridge.common.testing.ManualClock;
import io.batchbridge.common.validation.ValidRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/** How requests are grouped into lanes and when a lane is cut into a batch: count, body bytes, linger. */
class LanesTest {
    private static final String TOPIC = "bridge.requests";
    private static final LaneKey PLAIN = new LaneKey("default", new TreeSet<>());
    private static final LaneKey BETA = new LaneKey("default", new TreeSet<>(Set.of("b1")));
    private static final Duration LINGER = Duration.ofSeconds(5);

    private final ManualClock clock = ManualClock.at("2026-11-22T10:00:00Z");

    /** An item of {@code paramsBytes} params (its body bytes are 48 more) whose raw record is {@code rawBytes}. */
    private static LaneItem item(LaneKey lane, int partition, long offset, int paramsBytes, int rawBytes) {
        RequestEnvelope e = new RequestEnvelope(
                "c-" + partition + "-" + offset,
                new byte[paramsBytes],
                null,
                List.copyOf(lane.betas()),
                null,
                null,
                1,
                null,
                null,
                null);
        ValidRequest v = new ValidRequest(e, lane.account(), new TreeSet<>(lane.betas()), "claude-opus-4-6", 10, false);
        return new LaneItem(v, new Coordinates(TOPIC, partition, offset), new byte[rawBytes]);
    }

    private static LaneItem item(LaneKey lane, long offset) {
        return item(lane, 0, offset, 10, 20);
    }

    @Test
    void aLaneIsOneAccountAndOneBetaSetWhateverOrderTheBetasCameIn() {
        assertThat(new LaneKey("default", new TreeSet<>(List.of("b", "a"))))
                .isEqualTo(new LaneKey("default", new TreeSet<>(List.of("a", "b"))));
        Lanes lanes = new Lanes(100, 1 << 20, LINGER);

        lanes.add(PLAIN, item(PLAIN, 0), clock.instant());
        lanes.add(BETA, item(BETA, 1), clock.instant());
        lanes.add(new LaneKey("other", new TreeSet<>()), item(PLAIN, 2), clock.instant());
        lanes.add(new LaneKey("default", new TreeSet<>()), item(PLAIN, 3), clock.instant());

        assertThat(lanes.openLanes()).isEqualTo(3);
        assertThat(lanes.keys()).containsExactly(PLAIN, BETA, new LaneKey("other", new TreeSet<>()));
        assertThat(lanes.due(clock.instant(), true))
                .filteredOn(b -> b.lane().equals(PLAIN))
                .singleElement()
                .satisfies(b -> assertThat(b.items())
                        .extracting(i -> i.source().offset())
                        .containsExactly(0L, 3L));
    }

    @Test
    void aLaneIsCutWhenItReachesTheRequestCountWithItsItemsInArrivalOrder() {
        Lanes lanes = new Lanes(3, 1 << 20, LINGER);
        Instant first = clock.instant();

        assertThat(lanes.add(PLAIN, item(PLAIN, 7), clock.instant())).isNull();
        clock.advance(Duration.ofSeconds(1));
        assertThat(lanes.add(PLAIN, item(PLAIN, 5), clock.instant())).isNull();
        assertThat(lanes.add(BETA, item(BETA, 6), clock.instant()))
                .as("another lane")
                .isNull();
        PendingBatch cut = lanes.add(PLAIN, item(PLAIN, 9), clock.instant());

        assertThat(cut).isNotNull();
        assertThat(cut.lane()).isEqualTo(PLAIN);
        assertThat(cut.items()).extracting(i -> i.source().offset()).containsExactly(7L, 5L, 9L);
        assertThat(cut.firstAt()).as("when its first request arrived").isEqualTo(first);
        assertThat(cut.bisection()).isNull();
        assertThat(lanes.keys()).containsExactly(BETA);
        assertThat(lanes.bufferedBytes()).as("only the other lane's item").isEqualTo(20);
    }

    @Test
    void anItemThatWouldPassTheBodySizeCutsTheLaneBeforeItAndStartsTheNext() {
        // each item is 100 + 48 body bytes: two fit in 300, a third does not
        Lanes lanes = new Lanes(100, 300, LINGER);
        assertThat(lanes.add(PLAIN, item(PLAIN, 0, 0, 100, 30), clock.instant()))
                .isNull();
        assertThat(lanes.add(PLAIN, item(PLAIN, 0, 1, 100, 30), clock.instant()))
                .isNull();
        assertThat(lanes.bufferedBytes()).isEqualTo(60);
        Instant third = clock.advance(Duration.ofSeconds(2));

        PendingBatch cut = lanes.add(PLAIN, item(PLAIN, 0, 2, 100, 30), clock.instant());

        assertThat(cut.items()).extracting(i -> i.source().offset()).containsExactly(0L, 1L);
        assertThat(cut.bodyBytes()).isLessThanOrEqualTo(300 + 16);
        assertThat(lanes.bufferedBytes())
                .as("the third item, now alone in its lane")
                .isEqualTo(30);
        assertThat(lanes.due(third.plus(LINGER).minusMillis(1), false))
                .as("the new lane lingers from the third item's arrival")
                .isEmpty();
        assertThat(lanes.due(third.plus(LINGER), false)).singleElement().satisfies(b -> {
            assertThat(b.items()).extracting(i -> i.source().offset()).containsExactly(2L);
            assertThat(b.firstAt()).isEqualTo(third);
        });
    }

    @Test
    void anItemLargerThanTheBodySizeIsHeldAloneAndCutByItselfWhenTheNextArrives() {
        Lanes lanes = new Lanes(100, 300, LINGER);

        assertThat(lanes.add(PLAIN, item(PLAIN, 0, 0, 1000, 1), clock.instant()))
                .as("an empty lane takes any item")
                .isNull();
        PendingBatch cut = lanes.add(PLAIN, item(PLAIN, 0, 1, 10, 1), clock.instant());

        assertThat(cut.items()).extracting(i -> i.source().offset()).containsExactly(0L);
        assertThat(lanes.openLanes()).isEqualTo(1);
    }

    @Test
    void aLaneIsDueWhenItsFirstRequestHasLingeredLongEnoughWhateverCameAfter() {
        Lanes lanes = new Lanes(100, 1 << 20, LINGER);
        lanes.add(PLAIN, item(PLAIN, 0), clock.instant());
        clock.advance(Duration.ofSeconds(3));
        lanes.add(BETA, item(BETA, 1), clock.instant());
        clock.advance(Duration.ofMillis(1999));
        lanes.add(PLAIN, item(PLAIN, 2), clock.instant()); // does not restart the plain lane's linger

        assertThat(lanes.due(clock.instant(), false)).isEmpty();
        clock.advance(Duration.ofMillis(1));
        List<PendingBatch> due = lanes.due(clock.instant(), false);

        assertThat(due).singleElement().satisfies(b -> {
            assertThat(b.lane()).isEqualTo(PLAIN);
            assertThat(b.items()).extracting(i -> i.source().offset()).containsExactly(0L, 2L);
        });
        assertThat(lanes.keys()).containsExactly(BETA);
        assertThat(lanes.due(clock.instant(), false)).isEmpty();
        clock.advance(Duration.ofSeconds(3));
        assertThat(lanes.due(clock.instant(), false))
                .extracting(PendingBatch::lane)
                .containsExactly(BETA);
        assertThat(lanes.openLanes()).isZero();
        assertThat(lanes.bufferedBytes()).isZero();
    }

    @Test
    void allLanesAreCutOnDemandInTheOrderTheyOpened() {
        Lanes lanes = new Lanes(100, 1 << 20, LINGER);
        lanes.add(BETA, item(BETA, 0), clock.instant());
        lanes.add(PLAIN, item(PLAIN, 1), clock.instant());

        assertThat(lanes.due(clock.instant(), true))
                .extracting(PendingBatch::lane)
                .containsExactly(BETA, PLAIN);
        assertThat(lanes.openLanes()).isZero();
        assertThat(lanes.due(clock.instant(), true)).isEmpty();
    }

    @Test
    void cutLaneHoldingCutsOnlyTheLaneWithThatPartitionAndOffset() {
        Lanes lanes = new Lanes(100, 1 << 20, LINGER);
        lanes.add(PLAIN, item(PLAIN, 0, 4, 10, 1), clock.instant());
        lanes.add(PLAIN, item(PLAIN, 1, 9, 10, 1), clock.instant());
        lanes.add(BETA, item(BETA, 1, 4, 10, 1), clock.instant());

        assertThat(lanes.cutLaneHolding(new TopicPartition(TOPIC, 0), 9))
                .as("offset 9 is in another partition")
                .isNull();
        assertThat(lanes.cutLaneHolding(new TopicPartition("bridge.retry", 1), 4))
                .as("another topic")
                .isNull();
        assertThat(lanes.openLanes()).isEqualTo(2);

        PendingBatch cut = lanes.cutLaneHolding(new TopicPartition(TOPIC, 1), 4);

        assertThat(cut.lane()).isEqualTo(BETA);
        assertThat(lanes.keys()).containsExactly(PLAIN);
        PendingBatch whole = lanes.cutLaneHolding(new TopicPartition(TOPIC, 0), 4);
        assertThat(whole.items())
                .as("the whole lane is cut, not only the watermark's record")
                .extracting(LaneItem::source)
                .containsExactly(new Coordinates(TOPIC, 0, 4), new Coordinates(TOPIC, 1, 9));
        assertThat(lanes.openLanes()).isZero();
    }

    @Test
    void revokedItemsLeaveTheirLanesAndTheirBytesAreNoLongerCounted() {
        Lanes lanes = new Lanes(100, 400, LINGER);
        lanes.add(PLAIN, item(PLAIN, 0, 0, 100, 30), clock.instant());
        lanes.add(PLAIN, item(PLAIN, 1, 1, 100, 30), clock.instant());
        lanes.add(BETA, item(BETA, 0, 2, 100, 30), clock.instant());

        List<LaneItem> removed = lanes.removeIf(i -> i.partition().partition() == 0);

        assertThat(removed).extracting(i -> i.source().offset()).containsExactlyInAnyOrder(0L, 2L);
        assertThat(lanes.keys()).as("an emptied lane is closed").containsExactly(PLAIN);
        assertThat(lanes.bufferedBytes()).isEqualTo(30);
        // 148 body bytes remain in the lane: a second 148 fits in 400 (it would not had the revoked one stayed)
        assertThat(lanes.add(PLAIN, item(PLAIN, 1, 3, 100, 30), clock.instant()))
                .isNull();
        PendingBatch cut = lanes.add(PLAIN, item(PLAIN, 1, 4, 100, 30), clock.instant());
        assertThat(cut.items()).extracting(i -> i.source().offset()).containsExactly(1L, 3L);
    }

    @Test
    void bufferedBytesCountTheRawRecordsOfOpenLanesOnly() {
        Lanes lanes = new Lanes(2, 1 << 20, LINGER);
        List<PendingBatch> cuts = new ArrayList<>();
        for (long o = 0; o < 5; o++) {
            PendingBatch cut = lanes.add(PLAIN, item(PLAIN, 0, o, 10, 7), clock.instant());
            if (cut != null) {
                cuts.add(cut);
            }
        }

        assertThat(cuts).hasSize(2).allSatisfy(b -> assertThat(b.rawBytes()).isEqualTo(14));
        assertThat(lanes.bufferedBytes()).isEqualTo(7);
    }
}
