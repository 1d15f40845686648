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

/** Prefix packing: requests sharing a cache prefix travel together; the lane rules still bound every batch. */
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
        PromptPrefix p = prefix == 0 ? PromptPrefix.NONE : new PromptPrefix(prefix, new int[] {0, 2});
        ValidRequest v = new ValidRequest(e, "default", new TreeSet<>(), "claude-opus-4-6", 10, false, p);
        return new LaneItem(v, new Coordinates(TOPIC, partition, offset), new byte[20]);
    }

    private static List<Long> offsets(PendingBatch b) {
        return b.items().stream().map(i -> i.source().offset()).toList();
    }

    /** Three prefixes arriving interleaved, 4 requests each, into batches of at most 4, then the linger. */
    private List<PendingBatch> interleaved(Lanes lanes) {
        long[] prefixes = {1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3};
        List<PendingBatch> cuts = new ArrayList<>();
        for (int o = 0; o < prefixes.length; o++) {
            PendingBatch cut = lanes.add(LANE, item(o, prefixes[o]), clock.instant());
            if (cut != null) {
                cuts.add(cut);
            }
        }
        cuts.addAll(lanes.due(clock.instant().plus(LINGER), false));
        return cuts;
    }

    /** How many batches each prefix is spread over, summed: the cache writes the packing costs. */
    private static long fragments(List<PendingBatch> batches) {
        return batches.stream()
                .mapToLong(b -> b.items().stream()
                        .map(i -> i.request().prefix().fingerprint())
                        .distinct()
                        .count())
                .sum();
    }

    @Test
    void interleavedPrefixesEachBecomeOneBatchInArrivalOrder() {
        Lanes lanes = new Lanes(4, 1 << 20, LINGER, Lanes.Packing.PREFIX);

        List<PendingBatch> cuts = interleaved(lanes);

        assertThat(cuts)
                .extracting(LanesPackingTest::offsets)
                .containsExactly(List.of(0L, 3L, 6L, 9L), List.of(1L, 4L, 7L, 10L), List.of(2L, 5L, 8L, 11L));
        assertThat(fragments(cuts)).isEqualTo(3);
        assertThat(lanes.bufferedBytes()).isZero();
    }

    @Test
    void arrivalPackingIsFirstComeWhateverThePrefix() {
        Lanes lanes = new Lanes(4, 1 << 20, LINGER, Lanes.Packing.ARRIVAL);

        List<PendingBatch> cuts = interleaved(lanes);

        assertThat(cuts)
                .extracting(LanesPackingTest::offsets)
                .containsExactly(List.of(0L, 1L, 2L, 3L), List.of(4L, 5L, 6L, 7L), List.of(8L, 9L, 10L, 11L));
        assertThat(fragments(cuts)).isEqualTo(9);
    }

    @Test
    void atTheLingerSmallGroupsArePackedWholeIntoAsFewBatchesAsFitOldestFirst() {
        Lanes lanes = new Lanes(5, 1 << 20, LINGER, Lanes.Packing.PREFIX);
        Instant first = clock.instant();
        long[] prefixes = {7, 0, 8, 7, 9, 8, 0, 7, 9};
        for (int o = 0; o < prefixes.length; o++) {
            assertThat(lanes.add(LANE, item(o, prefixes[o]), clock.instant())).isNull();
            clock.advance(Duration.ofMillis(100));
        }

        assertThat(lanes.due(first.plus(LINGER).minusMillis(1), false)).isEmpty();
        List<PendingBatch> due = lanes.due(first.plus(LINGER), false);

        // groups 7 (3), loose (2), 8 (2), 9 (2): 7 + loose fill the first; 8 + 9 the second
        assertThat(due)
                .extracting(LanesPackingTest::offsets)
                .containsExactly(List.of(0L, 3L, 7L, 1L, 6L), List.of(2L, 5L, 4L, 8L));
        assertThat(due.get(0).firstAt()).isEqualTo(first);
        assertThat(due.get(1).firstAt()).isEqualTo(first.plusMillis(200));
        assertThat(lanes.openLanes()).isZero();
    }

    @Test
    void aPrefixThatPassesTheBodySizeIsCutAloneAndOthersStayInTheirSubLanes() {
        // 58 body bytes each: five fit in 300
        Lanes lanes = new Lanes(100, 300, LINGER, Lanes.Packing.PREFIX);
        for (long o = 0; o < 5; o++) {
            assertThat(lanes.add(LANE, item(o, 1), clock.instant())).isNull();
        }
        assertThat(lanes.add(LANE, item(5, 2), clock.instant()))
                .as("another prefix has its own sub-lane")
                .isNull();

        PendingBatch cut = lanes.add(LANE, item(6, 1), clock.instant());

        assertThat(offsets(cut)).containsExactly(0L, 1L, 2L, 3L, 4L);
        assertThat(cut.bodyBytes()).isLessThanOrEqualTo(300 + 16);
        assertThat(lanes.bufferedBytes()).isEqualTo(2 * 20);
        assertThat(lanes.due(clock.instant(), true))
                .extracting(LanesPackingTest::offsets)
                .containsExactly(List.of(5L, 6L));
    }

    @Test
    void theLaneLingersFromItsOldestRequestWhicheverSubLaneHoldsIt() {
        Lanes lanes = new Lanes(3, 1 << 20, LINGER, Lanes.Packing.PREFIX);
        Instant first = clock.instant();
        lanes.add(LANE, item(0, 1), clock.instant());
        clock.advance(Duration.ofSeconds(2));
        Instant second = clock.instant();
        lanes.add(LANE, item(1, 2), clock.instant());
        lanes.add(LANE, item(2, 1), clock.instant());
        PendingBatch full = lanes.add(LANE, item(3, 1), clock.instant());

        assertThat(offsets(full)).containsExactly(0L, 2L, 3L);
        assertThat(full.firstAt()).isEqualTo(first);
        assertThat(lanes.due(second.plus(LINGER).minusMillis(1), false))
                .as("after the full sub-lane left, the lane lingers from its oldest remaining request")
                .isEmpty();
        assertThat(lanes.due(second.plus(LINGER), false))
                .singleElement()
                .satisfies(b -> assertThat(offsets(b)).containsExactly(1L));
    }

    @Test
    void revocationAndWatermarkReliefWorkAcrossSubLanes() {
        Lanes lanes = new Lanes(100, 1 << 20, LINGER, Lanes.Packing.PREFIX);
        lanes.add(LANE, item(0, 0, 1, 10), clock.instant());
        lanes.add(LANE, item(1, 1, 2, 10), clock.instant());
        lanes.add(LANE, item(0, 2, 2, 10), clock.instant());
        lanes.add(LANE, item(1, 3, 0, 10), clock.instant());

        List<LaneItem> removed = lanes.removeIf(i -> i.partition().partition() == 1);

        assertThat(removed).extracting(i -> i.source().offset()).containsExactlyInAnyOrder(1L, 3L);
        assertThat(lanes.bufferedBytes()).isEqualTo(40);
        PendingBatch cut = lanes.cutLaneHolding(new TopicPartition(TOPIC, 0), 2);
        assertThat(offsets(cut)).as("the sub-lane holding the watermark").containsExactly(2L);
        assertThat(lanes.due(clock.instant(), true))
                .extracting(LanesPackingTest::offsets)
                .containsExactly(List.of(0L));
        assertThat(lanes.openLanes()).isZero();
        assertThat(lanes.bufferedBytes()).isZero();
    }
}
