package io.batchbridge.submitter.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.batchbridge.common.model.SpendEntry;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;

class SpendTallyTest {
    private static final LocalDate DAY = LocalDate.of(2026, 3, 1);
    private final SpendTally tally = new SpendTally();

    @Test
    void aReservationCountsItsWorstCaseThenItsBatchsActualWhicheverArrivesFirst() {
        SpendEntry r = SpendEntry.reserved(DAY, "team-a", "default", 1_000);
        tally.apply(SpendEntry.batchKey("b1"), SpendEntry.actual("b1", 120)); // the worker was quicker
        tally.apply("reservation:i1:1", r);
        assertThat(tally.total(DAY)).isEqualTo(new SpendTally.Figures(1_000, 0));
        tally.apply("reservation:i1:1", r.created("b1"));
        assertThat(tally.total(DAY)).isEqualTo(new SpendTally.Figures(0, 120));
    }

    @Test
    void releasedCountsNothingAndEachTenantAndDayHasItsOwnFigures() {
        tally.apply(
                "reservation:i1:1",
                SpendEntry.reserved(DAY, "team-a", "default", 1_000).released());
        tally.apply("reservation:i1:2", SpendEntry.reserved(DAY, "team-b", "default", 700));
        tally.apply("reservation:i2:1", SpendEntry.reserved(DAY.plusDays(1), "team-b", "default", 50));
        assertThat(tally.byTenant(DAY).get("team-a").counted()).isZero();
        assertThat(tally.byTenant(DAY).get("team-b").counted()).isEqualTo(700);
        assertThat(tally.total(DAY.plusDays(1)).counted()).isEqualTo(50);

        tally.pruneBefore(DAY.plusDays(1));
        assertThat(tally.reservations()).isEqualTo(1);
        tally.apply("reservation:i2:1", null); // a tombstone
        assertThat(tally.reservations()).isZero();
    }

    @Test
    void actualsArePrunedOnceNoReservationNamesThemAndTheyAreAPruneOld() {
        tally.apply(
                "reservation:i1:1",
                SpendEntry.reserved(DAY, "team-a", "default", 1_000).created("b1"));
        tally.apply(SpendEntry.batchKey("b1"), SpendEntry.actual("b1", 120));
        tally.apply(
                "reservation:i1:2",
                SpendEntry.reserved(DAY.plusDays(1), "team-a", "default", 1_000).created("b2"));
        tally.apply(SpendEntry.batchKey("b2"), SpendEntry.actual("b2", 130));
        tally.apply(SpendEntry.batchKey("b3"), SpendEntry.actual("b3", 140)); // its reservation not read yet

        tally.pruneBefore(DAY.plusDays(1)); // b1's reservation goes; all three actuals arrived since the last prune
        assertThat(tally.actuals()).isEqualTo(3);
        tally.apply(
                "reservation:i2:1",
                SpendEntry.reserved(DAY.plusDays(1), "team-b", "default", 900).created("b3"));
        assertThat(tally.byTenant(DAY.plusDays(1)).get("team-b")).isEqualTo(new SpendTally.Figures(0, 140));

        tally.pruneBefore(DAY.plusDays(1)); // b1: named by nothing, older than the last prune
        assertThat(tally.actuals()).isEqualTo(2);
        tally.pruneBefore(DAY.plusDays(2));
        tally.pruneBefore(DAY.plusDays(3));
        assertThat(tally.actuals()).isZero(); // bounded: nothing of days gone is kept
        assertThat(tally.reservations()).isZero();
    }

    @Test
    void entriesSurviveTheirJson() {
        SpendEntry e = SpendEntry.reserved(DAY, "team-a", "acct", 42).created("msgbatch_9");
        assertThat(SpendEntry.fromJson(e.toJson())).isEqualTo(e);
        assertThat(SpendEntry.fromJson(SpendEntry.actual("b", 7).toJson())).isEqualTo(SpendEntry.actual("b", 7));
    }
}
