package io.batchbridge.worker.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.batchbridge.client.ResultLine;
import io.batchbridge.client.ResultType;
import io.batchbridge.client.Usage;
import io.batchbridge.common.records.Coordinates;
import io.batchbridge.common.records.DeadLetterReason;
import io.batchbridge.common.records.TicketItem;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ResultRouterTest {
    /** The worker's deprecated fallback: applies only to items that carry no limit. */
    private final ResultRouter router = new ResultRouter(3, false, Duration.ofSeconds(60), Duration.ofMinutes(10));

    private static ResultLine line(ResultType t, String errorType) {
        return new ResultLine(
                "s0-p0-o1", t, errorType, errorType == null ? null : "boom", null, null, Usage.ZERO, null);
    }

    /** An item on {@code attempt} carrying the limit {@code max} (0: none, as older submitters wrote them). */
    private static TicketItem item(int attempt, int max) {
        return new TicketItem("s0-p0-o1", "c", null, attempt, null, new Coordinates("t", 0, 1), max);
    }

    private static TicketItem item(int attempt) {
        return item(attempt, 3);
    }

    @Test
    void deliversSucceededLines() {
        assertThat(router.route(line(ResultType.SUCCEEDED, null), item(1)).action())
                .isEqualTo(ResultRouter.Action.DELIVER);
    }

    @Test
    void retriesTransientErrorsAndExpiredRequests() {
        for (String t : ResultRouter.TRANSIENT_ERRORS) {
            assertThat(router.route(line(ResultType.ERRORED, t), item(1)).action())
                    .isEqualTo(ResultRouter.Action.RETRY);
        }
        assertThat(router.route(line(ResultType.EXPIRED, null), item(2)).action())
                .isEqualTo(ResultRouter.Action.RETRY);
    }

    @Test
    void deadLettersOtherErrorsWithTheApiTypeInTheSentence() {
        var d = router.route(line(ResultType.ERRORED, "invalid_request_error"), item(1));
        assertThat(d.action()).isEqualTo(ResultRouter.Action.DEAD_LETTER);
        assertThat(d.problem().reason()).isEqualTo(DeadLetterReason.API_ERROR);
        assertThat(d.problem().message()).contains("invalid_request_error").contains("boom");
    }

    @Test
    void deadLettersTransientFailuresOnTheLastAttempt() {
        var d = router.route(line(ResultType.ERRORED, "overloaded_error"), item(3));
        assertThat(d.problem().reason()).isEqualTo(DeadLetterReason.ATTEMPTS_EXHAUSTED);
        assertThat(d.problem().message()).startsWith("attempt 3 of 3 failed with overloaded_error");
    }

    /** Issue #19: the limit the item carries is obeyed, whatever this worker's own key says. */
    @Test
    void theLimitTheItemCarriesWinsOverTheWorkersOwnInBothDirections() {
        ResultLine busy = line(ResultType.ERRORED, "overloaded_error");
        ResultRouter workerSaysFive = new ResultRouter(5, false, Duration.ZERO, Duration.ZERO);
        assertThat(workerSaysFive.route(busy, item(1, 2)).action()).isEqualTo(ResultRouter.Action.RETRY);
        var second = workerSaysFive.route(busy, item(2, 2));
        assertThat(second.action()).isEqualTo(ResultRouter.Action.DEAD_LETTER);
        assertThat(second.problem().reason()).isEqualTo(DeadLetterReason.ATTEMPTS_EXHAUSTED);
        assertThat(second.problem().message()).startsWith("attempt 2 of 2 failed");

        ResultRouter workerSaysTwo = new ResultRouter(2, false, Duration.ZERO, Duration.ZERO);
        for (int attempt = 1; attempt < 5; attempt++) {
            assertThat(workerSaysTwo.route(busy, item(attempt, 5)).action())
                    .as("attempt %d of 5", attempt)
                    .isEqualTo(ResultRouter.Action.RETRY);
        }
        assertThat(workerSaysTwo.route(busy, item(5, 5)).problem().reason())
                .isEqualTo(DeadLetterReason.ATTEMPTS_EXHAUSTED);
        assertThat(workerSaysTwo.maxAttempts(item(1, 5))).isEqualTo(5);
    }

    @Test
    void anItemWithoutALimitFallsBackToTheWorkersDeprecatedKey() {
        ResultLine busy = line(ResultType.EXPIRED, null);
        assertThat(router.maxAttempts(item(1, 0))).isEqualTo(3);
        assertThat(router.route(busy, item(2, 0)).action()).isEqualTo(ResultRouter.Action.RETRY);
        assertThat(router.route(busy, item(3, 0)).problem().reason()).isEqualTo(DeadLetterReason.ATTEMPTS_EXHAUSTED);
    }

    @Test
    void anAttemptBeyondTheLimitIsDeadLetteredNotRetried() {
        // never produced by a submitter (it dead-letters such a retry record), but never a retry either
        assertThat(router.route(line(ResultType.EXPIRED, null), item(7, 2))
                        .problem()
                        .reason())
                .isEqualTo(DeadLetterReason.ATTEMPTS_EXHAUSTED);
        assertThatThrownBy(() -> new ResultRouter(0, false, Duration.ZERO, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void canceledFollowsThePolicy() {
        assertThat(router.route(line(ResultType.CANCELED, null), item(1))
                        .problem()
                        .reason())
                .isEqualTo(DeadLetterReason.CANCELED);
        ResultRouter retrying = new ResultRouter(3, true, Duration.ofSeconds(60), Duration.ofMinutes(10));
        assertThat(retrying.route(line(ResultType.CANCELED, null), item(1)).action())
                .isEqualTo(ResultRouter.Action.RETRY);
    }

    @Test
    void backsOffExponentiallyUpToTheCap() {
        assertThat(router.backoff(1)).isEqualTo(Duration.ofSeconds(60));
        assertThat(router.backoff(2)).isEqualTo(Duration.ofSeconds(120));
        assertThat(router.backoff(9)).isEqualTo(Duration.ofMinutes(10));
    }
}
