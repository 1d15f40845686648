package io.batchbridge.submitter.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.batchbridge.common.records.Coordinates;
import io.batchbridge.common.records.PromptPrefix;
import io.batchbridge.common.records.RequestEnvelope;
import io.batchbridge.common.testing.ManualClock;
import io.batchbridge.common.validation.ValidRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/** Prefix packing: requests sharing a cache prefix stay together in one batch; lane rules are unchanged. */
class LanesPackingTest {
    private static final String TOPIC = "bridge.requests";
    private static final LaneKey LANE = new LaneKey("default", new TreeSet<>());
    private static final Duration LINGER = Duration.ofSeconds(5);

    private final ManualClock clock = ManualClock.at("2026-11-22T10:00:00Z");

    /** Offset {@code offset}, prefix {@code prefix} (0: none), 10 params bytes (58 body bytes), 20 raw bytes. */
    static LaneItem item(long offset, long prefix) {
        return item(0, offset, prefix, 10);
    }

    static LaneItem item(int partition, long offset, long prefix, int paramsBytes) {
        RequestEnvelope e = new RequestEnvelope(
                "c-" + partition + "-" + offset,
                new byte[paramsBytes],
                null,
                List.of(),
                null,
                null,
                1,
                null,
                null,
                null);
        PromptPrefix p = prefix == 0 ? PromptPrefix.NONE : new PromptPrefix(prefix, 0, 2);
        ValidRequest v = new ValidRequest(e, "default", new TreeSet<>(), "claude-opus-4-6", 10, false, p);
        return new LaneItem(v, new Coordinates(TOPIC, partition, offset), new byte[20]);
    }

    private static List<Long> offsets(PendingBatch b) {
        return b.items().stream().map(i -> i.source().offset()).toList();
    }

    /** Interleaved arrivals of prefixes 1 and 2 (and some without one) into lanes of 4 requests. */
    private static List<PendingBatch> interleaved(Lanes lanes, Instant now) {
        long[] prefixes = {1, 2, 1, 0, 2, 1, 2, 1, 2, 0, 1, 2};
        List<PendingBatch> cuts = new ArrayList<>();
        for (int o = 0; o < prefixes.length; o++) {
            PendingBatch cut = lanes.add(LANE, item(o, prefixes[o]), now);
            if (cut != null) {
                cuts.add(cut);
            }
        }
        cuts.addAll(lanes.due(now, true));
        return cuts;
    }

    @Test
    void aGroupIsCutTogetherInArrivalOrderAndTheGrowingGroupIsKeptForTheNextBatch() {
        Lanes lanes = new Lanes(4, 1 << 20, LINGER, Lanes.Packing.PREFIX);

        List<PendingBatch> cuts = interleaved(lanes, clock.instant());

        // the 4th request (no prefix) fills the first lane: nothing is kept back for it
        assertThat(offsets(cuts.get(0))).containsExactly(0L, 2L, 1L, 3L);
        // the 8th (prefix 1) fills the next: prefix 2 goes, prefix 1 waits for its fourth
        assertThat(offsets(cuts.get(1))).containsExactly(4L, 6L);
        assertThat(offsets(cuts.get(2))).containsExactly(5L, 7L, 8L, 9L);
        assertThat(cuts).allSatisfy(b -> assertThat(b.items()).hasSizeLessThanOrEqualTo(4));
        assertThat(cuts.stream().mapToInt(b -> b.items().size()).sum()).isEqualTo(12);
        assertThat(lanes.bufferedBytes()).isZero();
    }

    @Test
    void arrivalPackingIsFirstComeWhateverThePrefix() {
        Lanes lanes = new Lanes(4, 1 << 20, LINGER, Lanes.Packing.ARRIVAL);

        List<PendingBatch> cuts = interleaved(lanes, clock.instant());

        assertThat(cuts)
                .extracting(LanesPackingTest::offsets)
                .containsExactly(List.of(0L, 1L, 2L, 3L), List.of(4L, 5L, 6L, 7L), List.of(8L, 9L, 10L, 11L));
    }

    @Test
    void withinALingerWindowEveryGroupIsOneBatchAndGroupsAreContiguousInFirstArrivalOrder() {
        Lanes lanes = new Lanes(100, 1 << 20, LINGER, Lanes.Packing.PREFIX);
        long[] prefixes = {7, 0, 8, 7, 8, 0, 7};
        for (int o = 0; o < prefixes.length; o++) {
            assertThat(lanes.add(LANE, item(o, prefixes[o]), clock.instant())).isNull();
        }

        assertThat(lanes.due(clock.instant().plus(LINGER), false))
                .singleElement()
                .satisfies(b -> assertThat(offsets(b)).containsExactly(0L, 3L, 6L, 1L, 5L, 2L, 4L));
    }

    @Test
    void aBodyBytesCutKeepsTheArrivingGroupWhenItStillFitsAndCutsEverythingWhenItDoesNot() {
        // 58 body bytes each: five fit in 300
        Lanes lanes = new Lanes(100, 300, LINGER, Lanes.Packing.PREFIX);
        long[] prefixes = {1, 2, 1, 2, 2};
        for (int o = 0; o < prefixes.length; o++) {
            assertThat(lanes.add(LANE, item(o, prefixes[o]), clock.instant())).isNull();
        }

        PendingBatch cut = lanes.add(LANE, item(5, 1), clock.instant());

        assertThat(offsets(cut))
                .as("prefix 2 goes; prefix 1 and its new request stay")
                .containsExactly(1L, 3L, 4L);
        assertThat(lanes.bufferedBytes()).isEqualTo(3 * 20);
        for (long o = 6; o < 8; o++) {
            assertThat(lanes.add(LANE, item(o, 1), clock.instant())).isNull();
        }
        PendingBatch whole = lanes.add(LANE, item(8, 1), clock.instant());
        assertThat(offsets(whole))
                .as("prefix 1 alone fills the body: it is cut by itself, in order")
                .containsExactly(0L, 2L, 5L, 6L, 7L);
    }

    @Test
    void aKeptGroupStillLingersFromItsOwnFirstRequest() {
        Lanes lanes = new Lanes(3, 1 << 20, LINGER, Lanes.Packing.PREFIX);
        Instant first = clock.instant();
        lanes.add(LANE, item(0, 1), clock.instant());
        clock.advance(Duration.ofSeconds(2));
        lanes.add(LANE, item(1, 2), clock.instant());
        PendingBatch cut = lanes.add(LANE, item(2, 1), clock.instant());

        assertThat(offsets(cut)).containsExactly(1L);
        assertThat(lanes.due(first.plus(LINGER).minusMillis(1), false)).isEmpty();
        assertThat(lanes.due(first.plus(LINGER), false)).singleElement().satisfies(b -> {
            assertThat(offsets(b)).containsExactly(0L, 2L);
            assertThat(b.firstAt()).isEqualTo(first);
        });
    }

    @Test
    void revocationAndWatermarkReliefWorkAcrossGroups() {
        Lanes lanes = new Lanes(100, 1 << 20, LINGER, Lanes.Packing.PREFIX);
        lanes.add(LANE, item(0, 0, 1, 10), clock.instant());
        lanes.add(LANE, item(1, 1, 2, 10), clock.instant());
        lanes.add(LANE, item(0, 2, 2, 10), clock.instant());
        lanes.add(LANE, item(1, 3, 0, 10), clock.instant());

        List<LaneItem> removed = lanes.removeIf(i -> i.partition().partition() == 1);

        assertThat(removed).extracting(i -> i.source().offset()).containsExactlyInAnyOrder(1L, 3L);
        assertThat(lanes.bufferedBytes()).isEqualTo(40);
        PendingBatch cut = lanes.cutLaneHolding(new TopicPartition(TOPIC, 0), 2);
        assertThat(offsets(cut)).containsExactly(0L, 2L);
        assertThat(lanes.openLanes()).isZero();
    }
}
