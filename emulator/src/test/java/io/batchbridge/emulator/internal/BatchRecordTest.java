package io.batchbridge.emulator.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class BatchRecordTest {
    static final Instant T0 = Instant.parse("2026-11-01T00:00:00Z");

    static PlannedRequest planned(String id, Outcome outcome, long finishSeconds) {
        long finish = finishSeconds == Long.MAX_VALUE ? PlannedRequest.NEVER : finishSeconds * 1_000_000;
        return new PlannedRequest(
                id, outcome, null, null, null, "m", 1, 1, 0, 0, "end_turn", finish, id.hashCode(), AskedContent.PLAIN);
    }

    static BatchRecord batch() {
        return new BatchRecord(
                "msgbatch_x",
                1,
                T0,
                List.of(),
                new PlannedRequest[] {
                    planned("a", Outcome.SUCCEEDED, 10),
                    planned("b", Outcome.ERRORED, 20),
                    planned("c", Outcome.EXPIRED, Long.MAX_VALUE)
                },
                Duration.ofSeconds(5));
    }

    @Test
    void batchEndsAtExpiryWhenARequestNeverFinishes() {
        BatchRecord b = batch();
        assertThat(b.view(T0.plusSeconds(30), true).status()).isEqualTo("in_progress");
        BatchView ended = b.view(T0.plus(Duration.ofHours(24)), true);
        assertThat(ended.status()).isEqualTo("ended");
        assertThat(ended.endedAt()).isEqualTo(T0.plus(Duration.ofHours(24)));
        assertThat(List.of(ended.succeeded(), ended.errored(), ended.expired())).containsExactly(1L, 1L, 1L);
    }

    @Test
    void cancelAfterSomeFinishedCancelsOnlyTheRest() {
        BatchRecord b = batch();
        b.cancel(T0.plusSeconds(15));
        assertThat(b.view(T0.plusSeconds(16), true).status()).isEqualTo("canceling");
        BatchView v = b.view(T0.plusSeconds(20), true);
        assertThat(v.status()).isEqualTo("ended");
        assertThat(List.of(v.succeeded(), v.errored(), v.canceled())).containsExactly(1L, 0L, 2L);
    }

    @Test
    void cancelOfAnEndedBatchChangesNothing() {
        BatchRecord b = new BatchRecord(
                "msgbatch_y",
                2,
                T0,
                List.of(),
                new PlannedRequest[] {planned("a", Outcome.SUCCEEDED, 10)},
                Duration.ofSeconds(5));
        b.cancel(T0.plusSeconds(60));
        BatchView v = b.view(T0.plusSeconds(61), true);
        assertThat(v.cancelInitiatedAt()).isNull();
        assertThat(v.succeeded()).isEqualTo(1);
    }

    @Test
    void resultsAreArchivedTwentyNineDaysAfterCreation() {
        BatchRecord b = batch();
        assertThat(b.view(T0.plus(Duration.ofDays(28)), true).resultsAvailable())
                .isTrue();
        BatchView archived = b.view(T0.plus(Duration.ofDays(29)), true);
        assertThat(archived.resultsAvailable()).isFalse();
        assertThat(archived.archivedAt()).isEqualTo(T0.plus(Duration.ofDays(29)));
    }
}
