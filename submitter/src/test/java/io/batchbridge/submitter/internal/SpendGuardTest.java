package io.batchbridge.submitter.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.batchbridge.common.model.ModelCatalogue;
import io.batchbridge.common.model.Prices;
import io.batchbridge.common.records.Coordinates;
import io.batchbridge.common.records.RequestEnvelope;
import io.batchbridge.common.testing.ManualClock;
import io.batchbridge.common.validation.ValidRequest;
import java.time.Instant;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class SpendGuardTest {
    private static final String MODEL = "claude-haiku-4-5";
    private final ModelCatalogue catalogue = ModelCatalogue.defaults();
    private final ManualClock clock = ManualClock.at("2026-03-01T22:00:00Z");

    @Test
    void estimateIsParamsBytesOverFourAtInputPricePlusMaxTokensAtOutputPrice() {
        Prices p = catalogue.find(MODEL).orElseThrow().prices();
        PendingBatch b = batch(4000, 1000, 2);
        double one = 1000 * p.batchInputPerMTok() / 1e6 + 1000 * p.batchOutputPerMTok() / 1e6;
        assertThat(new SpendGuard(1, catalogue, clock).estimate(b)).isCloseTo(2 * one, within(1e-12));
    }

    @Test
    void offNeverHolds() {
        SpendGuard guard = new SpendGuard(0, catalogue, clock);
        assertThat(guard.reserve(batch(4_000_000, 64_000, 100))).isTrue();
        assertThat(guard.engaged()).isFalse();
    }

    @Test
    void holdsTheBatchThatWouldCrossTheLimitUntilTheUtcDayRolls() {
        SpendGuard guard = new SpendGuard(1.0, catalogue, clock);
        PendingBatch b = batch(4000, 1000, 1);
        double est = guard.estimate(b);
        int fits = (int) Math.floor(1.0 / est);
        for (int i = 0; i < fits; i++) {
            assertThat(guard.reserve(b)).isTrue();
        }
        assertThat(guard.reserve(b)).isFalse();
        assertThat(guard.engaged()).isTrue();

        guard.release(b); // a create that did not happen gives its estimate back
        assertThat(guard.reserve(b)).isTrue();
        assertThat(guard.reserve(b)).isFalse();

        clock.set(Instant.parse("2026-03-02T00:00:01Z"));
        assertThat(guard.engaged()).isFalse();
        assertThat(guard.reserve(b)).isTrue();
        assertThat(guard.reservedToday()).isCloseTo(est, within(1e-12));
    }

    private static PendingBatch batch(int paramsBytes, long maxTokens, int items) {
        List<LaneItem> list = new java.util.ArrayList<>();
        for (int i = 0; i < items; i++) {
            RequestEnvelope e = new RequestEnvelope(
                    "c" + i, new byte[paramsBytes], null, List.of(), null, null, 1, null, null, null);
            ValidRequest v = new ValidRequest(e, "default", new TreeSet<>(), MODEL, maxTokens, false);
            list.add(new LaneItem(v, new Coordinates("t", 0, i), new byte[paramsBytes]));
        }
        return new PendingBatch(new LaneKey("default", new TreeSet<>()), list, Instant.EPOCH);
    }
}
