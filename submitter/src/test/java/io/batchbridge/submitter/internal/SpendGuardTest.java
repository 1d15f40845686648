package io.batchbridge.submitter.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.batchbridge.common.config.Tenants;
import io.batchbridge.common.model.ModelCatalogue;
import io.batchbridge.common.model.PriceRates;
import io.batchbridge.common.model.SpendEntry;
import io.batchbridge.common.records.Coordinates;
import io.batchbridge.common.records.RequestEnvelope;
import io.batchbridge.common.testing.ManualClock;
import io.batchbridge.common.validation.ValidRequest;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class SpendGuardTest {
    private static final String MODEL = "claude-haiku-4-5";
    private final ModelCatalogue catalogue = ModelCatalogue.defaults();
    private final ManualClock clock = ManualClock.at("2026-03-01T22:00:00Z");
    private final MemorySpendLedger.Log log = new MemorySpendLedger.Log();
    private final Tenants tenants = Tenants.of(List.of("ta:team-a", "tb:team-b"));
    private final PendingBatch one = batch(4000, 1000, 1, "team-a");
    private final long est = guard(SpendLimits.none()).estimateMicros(one);

    @Test
    void estimateIsParamsBytesOverFourAtInputRatePlusMaxTokensAtOutputRateInMicros() {
        PriceRates r = catalogue.find(MODEL).orElseThrow().prices().rates();
        long each = PriceRates.micros(1000, r.input()) + PriceRates.micros(1000, r.output());
        assertThat(guard(SpendLimits.none()).estimateMicros(batch(4000, 1000, 2, "team-a")))
                .isEqualTo(2 * each);
        assertThat(each).isPositive();
    }

    @Test
    void aRequestWithACacheBreakpointPricesItsInputAtACacheWritesRateTwiceTheInputRate() {
        PriceRates r = catalogue.find(MODEL).orElseThrow().prices().rates();
        PendingBatch plain = batch(4000, 1000, 1, "team-a");
        LaneItem i = plain.items().get(0);
        ValidRequest v = i.request();
        ValidRequest prefixed = new ValidRequest(
                v.envelope(),
                v.account(),
                v.betas(),
                v.model(),
                v.maxTokens(),
                false,
                new io.batchbridge.common.records.PromptPrefix(42, new int[] {100, 130}));
        PendingBatch cached = plain.with(List.of(new LaneItem(prefixed, i.source(), i.raw())));
        assertThat(guard(SpendLimits.none()).estimateMicros(cached))
                .isEqualTo(2 * PriceRates.micros(1000, r.input()) + PriceRates.micros(1000, r.output()));

        byte[] automatic = new byte[4000]; // top-level automatic caching: no prefix read, still a cache write
        byte[] field =
                "{\"cache_control\":{\"type\":\"ephemeral\"}}".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        System.arraycopy(field, 0, automatic, 0, field.length);
        RequestEnvelope e = new RequestEnvelope("c", automatic, null, List.of(), null, null, 1, null, null, null);
        PendingBatch auto = plain.with(List.of(new LaneItem(v.withEnvelope(e), i.source(), i.raw())));
        assertThat(guard(SpendLimits.none()).estimateMicros(auto))
                .isEqualTo(2 * PriceRates.micros(1000, r.input()) + PriceRates.micros(1000, r.output()));
    }

    @Test
    void offNeverHoldsAndUsesNoLedger() {
        SpendGuard guard = SpendGuard.off(catalogue, clock);
        assertThat(guard.reserve(batch(4_000_000, 64_000, 100, "team-a"))).isTrue();
        assertThat(guard.engaged()).isFalse();
        assertThat(guard.holdsAll()).isFalse();
    }

    @Test
    void holdsTheBatchThatWouldCrossTheLimitUntilTheUtcDayRolls() {
        SpendGuard guard = guard(new SpendLimits(3 * est, Map.of()));
        for (int i = 0; i < 3; i++) {
            assertThat(guard.reserve(batch(4000, 1000, 1, "team-a"))).isTrue();
        }
        assertThat(guard.reserve(one)).isFalse();
        assertThat(guard.engaged()).isTrue();
        assertThat(guard.holdsAll()).isTrue();

        clock.set(Instant.parse("2026-03-02T00:00:01Z"));
        assertThat(guard.engaged()).isFalse();
        assertThat(guard.reserve(one)).isTrue();
        assertThat(guard.figures("team-a").worstCase()).isEqualTo(est); // yesterday's reservations do not count
    }

    @Test
    void aReleasedReservationIsWrittenReleasedAndNoLongerCounts() {
        SpendGuard guard = guard(new SpendLimits(est, Map.of()));
        PendingBatch b = batch(4000, 1000, 1, "team-a");
        assertThat(guard.reserve(b)).isTrue();
        assertThat(guard.reserve(one)).isFalse();

        guard.release(b); // the create did not happen
        assertThat(log.entries(SpendEntry.RESERVATION_PREFIX))
                .extracting(SpendEntry::state)
                .containsExactly(SpendEntry.State.RESERVED, SpendEntry.State.RELEASED);
        clock.advance(SpendGuard.RECHECK_WHILE_HELD);
        assertThat(guard.reserve(one)).isTrue();
    }

    @Test
    void theWorkersActualCostReplacesTheWorstCaseSoTheGuardStopsHoldingEarly() {
        SpendGuard guard = guard(new SpendLimits(2 * est, Map.of()));
        PendingBatch b1 = batch(4000, 1000, 1, "team-a");
        PendingBatch b2 = batch(4000, 1000, 1, "team-a");
        assertThat(guard.reserve(b1)).isTrue();
        assertThat(guard.reserve(b2)).isTrue();
        guard.created(b1, "msgbatch_1");
        guard.created(b2, "msgbatch_2");
        assertThat(guard.reserve(one)).isFalse(); // both count their worst case

        log.append(SpendEntry.batchKey("msgbatch_1"), SpendEntry.actual("msgbatch_1", est / 10)); // a worker
        log.append(SpendEntry.batchKey("msgbatch_2"), SpendEntry.actual("msgbatch_2", est / 10));
        assertThat(guard.reserve(one)).isFalse(); // read again only after a while
        clock.advance(SpendGuard.RECHECK_WHILE_HELD);
        assertThat(guard.reserve(one)).isTrue();
        assertThat(guard.figures("team-a")).isEqualTo(new SpendTally.Figures(est, 2 * (est / 10)));
        assertThat(guard.engaged()).isFalse();
    }

    @Test
    void twoInstancesSharingTheLedgerSpendOneLimitNotTwo() {
        SpendGuard a = guard(new SpendLimits(4 * est, Map.of()), "a");
        SpendGuard b = guard(new SpendLimits(4 * est, Map.of()), "b");
        int accepted = 0;
        for (int i = 0; i < 10; i++) {
            accepted += (i % 2 == 0 ? a : b).reserve(batch(4000, 1000, 1, "team-a")) ? 1 : 0;
        }
        assertThat(accepted).isEqualTo(4); // the per-instance guard accepted 8: each instance its own 4
        assertThat(reservedMicros()).isLessThanOrEqualTo(4 * est);
        assertThat(a.engaged()).isTrue();
        assertThat(b.engaged()).isTrue();
    }

    @Test
    void twoInstancesReservingAtTheSameMomentOvershootByAtMostOneBatchOfTheOther() {
        SpendGuard a = guard(new SpendLimits(2 * est, Map.of()), "a");
        SpendGuard b = guard(new SpendLimits(2 * est, Map.of()), "b");
        assertThat(a.reserve(batch(4000, 1000, 1, "team-a"))).isTrue();
        // a read the ledger (one reservation: room for one more); b reserves before a's write lands
        boolean[] bAccepted = new boolean[1];
        log.beforeNextWrite = () -> bAccepted[0] = b.reserve(batch(4000, 1000, 1, "team-a"));
        assertThat(a.reserve(batch(4000, 1000, 1, "team-a"))).isTrue();
        assertThat(bAccepted[0]).isTrue();
        assertThat(reservedMicros()).isEqualTo(3 * est); // limit + one batch of the other instance

        clock.advance(SpendGuard.RECHECK_WHILE_HELD);
        assertThat(a.reserve(one)).isFalse(); // from here on both see the overshoot
        assertThat(b.reserve(one)).isFalse();
    }

    @Test
    void aTenantOverItsLimitWaitsWhileOtherTenantsGoOn() {
        SpendGuard guard = guard(new SpendLimits(0, Map.of("team-a", est)));
        assertThat(guard.reserve(batch(4000, 1000, 1, "team-a"))).isTrue();
        assertThat(guard.reserve(batch(4000, 1000, 1, "team-a"))).isFalse();
        assertThat(guard.tenantEngaged("team-a")).isTrue();
        assertThat(guard.holdsAll()).isFalse();
        assertThat(guard.engaged()).isFalse();
        for (int i = 0; i < 5; i++) {
            assertThat(guard.reserve(batch(4000, 1000, 1, "team-b"))).isTrue(); // no limit of its own
        }
        assertThat(guard.tenantEngaged("team-b")).isFalse();
        assertThat(guard.tenantOf("ta")).isEqualTo("team-a");
        assertThat(guard.tenantOf("retry")).isNull(); // the retry topic holds every tenant's retries
        assertThat(guard.figures("team-b").worstCase()).isEqualTo(5 * est);
    }

    @Test
    void anUnreachableLedgerCreatesNothingAndRecovers() {
        SpendGuard guard = guard(new SpendLimits(10 * est, Map.of()));
        log.down = true;
        assertThat(guard.reserve(one)).isFalse();
        assertThat(guard.unavailable()).isTrue();
        assertThat(guard.holdsAll()).isTrue();
        assertThat(log.records).isEmpty();

        log.down = false;
        assertThat(guard.reserve(one)).isFalse(); // tried again after a while, not at every loop iteration
        clock.advance(SpendGuard.RECHECK_WHILE_HELD);
        assertThat(guard.reserve(one)).isTrue();
        assertThat(guard.unavailable()).isFalse();
    }

    @Test
    void theLedgerAnsweringAgainEndsUnavailableEvenWhenTheLimitHoldsTheBatch() {
        SpendGuard guard = guard(new SpendLimits(est, Map.of()));
        assertThat(guard.reserve(batch(4000, 1000, 1, "team-a"))).isTrue();
        log.down = true;
        clock.advance(SpendGuard.RECHECK_WHILE_HELD);
        assertThat(guard.reserve(one)).isFalse();
        assertThat(guard.unavailable()).isTrue();

        log.down = false;
        clock.advance(SpendGuard.RECHECK_WHILE_HELD);
        assertThat(guard.reserve(one)).isFalse(); // over the limit now, but the ledger answers
        assertThat(guard.unavailable()).isFalse();
        assertThat(guard.engaged()).isTrue();
    }

    @Test
    void aPartRejectedBeforeTheCreateDoesNotReleaseTheCreatedRest() {
        SpendGuard guard = guard(new SpendLimits(10 * est, Map.of()));
        PendingBatch b = batch(4000, 1000, 2, "team-a");
        assertThat(guard.reserve(b)).isTrue();
        guard.release(b.with(b.items().subList(0, 1))); // refused before the create
        guard.created(b.with(b.items().subList(1, 2)), "msgbatch_x");
        assertThat(log.entries(SpendEntry.RESERVATION_PREFIX))
                .extracting(SpendEntry::state)
                .containsExactly(SpendEntry.State.RESERVED, SpendEntry.State.CREATED);
    }

    @Test
    void anItemRebuiltAfterItsReservationStillSettlesIt() {
        SpendGuard guard = guard(new SpendLimits(10 * est, Map.of()));
        PendingBatch b = batch(4000, 1000, 1, "team-a");
        assertThat(guard.reserve(b)).isTrue();
        LaneItem i = b.items().get(0);
        // the create screen rebuilds an item when a request sharing its answer is refused (de-duplication)
        guard.created(b.with(List.of(new LaneItem(i.request(), i.source(), i.raw()))), "msgbatch_r");
        assertThat(log.entries(SpendEntry.RESERVATION_PREFIX))
                .extracting(SpendEntry::state)
                .containsExactly(SpendEntry.State.RESERVED, SpendEntry.State.CREATED);
    }

    @Test
    void aPartStartingWithARequestTheGuardDoesNotKnowStillSettlesTheReservation() {
        SpendGuard guard = guard(new SpendLimits(10 * est, Map.of()));
        PendingBatch b = batch(4000, 1000, 2, "team-a");
        assertThat(guard.reserve(b)).isTrue();
        LaneItem unknown = batch(4000, 1000, 1, "team-a").items().get(0); // e.g. a refused rider, rebuilt alone
        guard.created(b.with(List.of(unknown, b.items().get(0), b.items().get(1))), "msgbatch_u");
        assertThat(log.entries(SpendEntry.RESERVATION_PREFIX))
                .extracting(SpendEntry::state)
                .containsExactly(SpendEntry.State.RESERVED, SpendEntry.State.CREATED);

        PendingBatch c = batch(4000, 1000, 1, "team-a");
        assertThat(guard.reserve(c)).isTrue();
        guard.release(c.with(List.of(unknown, c.items().get(0))));
        assertThat(log.entries(SpendEntry.RESERVATION_PREFIX))
                .extracting(SpendEntry::state)
                .endsWith(SpendEntry.State.RESERVED, SpendEntry.State.RELEASED);
    }

    private long reservedMicros() {
        SpendTally t = new SpendTally();
        new MemorySpendLedger(log).catchUp(t);
        return t.total(java.time.LocalDate.of(2026, 3, 1)).counted();
    }

    private SpendGuard guard(SpendLimits limits) {
        return guard(limits, "i1");
    }

    private SpendGuard guard(SpendLimits limits, String instance) {
        return new SpendGuard(limits, catalogue, tenants, "retry", new MemorySpendLedger(log), instance, clock);
    }

    private static final java.util.concurrent.atomic.AtomicLong OFFSETS = new java.util.concurrent.atomic.AtomicLong();

    static PendingBatch batch(int paramsBytes, long maxTokens, int items, String tenant) {
        List<LaneItem> list = new java.util.ArrayList<>();
        for (int i = 0; i < items; i++) {
            RequestEnvelope e = new RequestEnvelope(
                    "c" + i, new byte[paramsBytes], null, List.of(), null, null, 1, null, null, null);
            ValidRequest v = new ValidRequest(e, "default", new TreeSet<>(), MODEL, maxTokens, false);
            // every request its own coordinates, as on a topic (the guard tracks reservations by them)
            list.add(new LaneItem(v, new Coordinates("t", 0, OFFSETS.getAndIncrement()), new byte[paramsBytes]));
        }
        return new PendingBatch(new LaneKey("default", new TreeSet<>(), tenant), list, Instant.EPOCH);
    }
}
