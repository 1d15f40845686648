package io.batchbridge.worker.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.batchbridge.client.ResultLine;
import io.batchbridge.client.ResultType;
import io.batchbridge.client.Usage;
import io.batchbridge.common.records.DeadLetterReason;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ResultRouterTest {
    private final ResultRouter router = new ResultRouter(3, false, Duration.ofSeconds(60), Duration.ofMinutes(10));

    private static ResultLine line(ResultType t, String errorType) {
        return new ResultLine(
                "s0-p0-o1", t, errorType, errorType == null ? null : "boom", null, null, Usage.ZERO, null);
    }

    @Test
    void deliversSucceededLines() {
        assertThat(router.route(line(ResultType.SUCCEEDED, null), 1).action()).isEqualTo(ResultRouter.Action.DELIVER);
    }

    @Test
    void retriesTransientErrorsAndExpiredRequests() {
        for (String t : ResultRouter.TRANSIENT_ERRORS) {
            assertThat(router.route(line(ResultType.ERRORED, t), 1).action()).isEqualTo(ResultRouter.Action.RETRY);
        }
        assertThat(router.route(line(ResultType.EXPIRED, null), 2).action()).isEqualTo(ResultRouter.Action.RETRY);
    }

    @Test
    void deadLettersOtherErrorsWithTheApiTypeInTheSentence() {
        var d = router.route(line(ResultType.ERRORED, "invalid_request_error"), 1);
        assertThat(d.action()).isEqualTo(ResultRouter.Action.DEAD_LETTER);
        assertThat(d.problem().reason()).isEqualTo(DeadLetterReason.API_ERROR);
        assertThat(d.problem().message()).contains("invalid_request_error").contains("boom");
    }

    @Test
    void deadLettersTransientFailuresOnTheLastAttempt() {
        var d = router.route(line(ResultType.ERRORED, "overloaded_error"), 3);
        assertThat(d.problem().reason()).isEqualTo(DeadLetterReason.ATTEMPTS_EXHAUSTED);
    }

    @Test
    void canceledFollowsThePolicy() {
        assertThat(router.route(line(ResultType.CANCELED, null), 1).problem().reason())
                .isEqualTo(DeadLetterReason.CANCELED);
        ResultRouter retrying = new ResultRouter(3, true, Duration.ofSeconds(60), Duration.ofMinutes(10));
        assertThat(retrying.route(line(ResultType.CANCELED, null), 1).action()).isEqualTo(ResultRouter.Action.RETRY);
    }

    @Test
    void backsOffExponentiallyUpToTheCap() {
        assertThat(router.backoff(1)).isEqualTo(Duration.ofSeconds(60));
        assertThat(router.backoff(2)).isEqualTo(Duration.ofSeconds(120));
        assertThat(router.backoff(9)).isEqualTo(Duration.ofMinutes(10));
    }
}
