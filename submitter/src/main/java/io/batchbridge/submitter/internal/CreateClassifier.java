package io.batchbridge.submitter.internal;

import io.batchbridge.client.BatchesApiException;
import io.batchbridge.common.records.DeadLetterReason;
import io.batchbridge.common.records.Echo;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The one classifier for create failures: retry later, reject (dead letters), isolate by bisection, or stop. */
final class CreateClassifier {
    /** How long a beta set the API rejected is rejected without a call (a beta released later then works). */
    static final Duration REJECTED_BETAS_TTL = Duration.ofMinutes(10);

    private final Clock clock;
    private final Duration backoff;
    /** Beta sets (per account) the API rejected, with the answer and when. */
    private final Map<LaneKey, Rejection> rejectedBetas = new ConcurrentHashMap<>();

    private record Rejection(String answer, Instant at) {}

    CreateClassifier(Clock clock, Duration backoff) {
        this.clock = clock;
        this.backoff = backoff;
    }

    /**
     * The batch refused without a call when the API rejected its beta set less than {@link #REJECTED_BETAS_TTL}
     * ago, else null.
     */
    CreateOutcome.Rejected knownRejectedBetas(PendingBatch batch) {
        Rejection r = rejectedBetas.get(batch.lane());
        if (r == null) {
            return null;
        }
        if (!clock.instant().isBefore(r.at().plus(REJECTED_BETAS_TTL))) {
            rejectedBetas.remove(batch.lane(), r);
            return null;
        }
        return CreateOutcome.Rejected.all(
                batch,
                DeadLetterReason.BETA_REJECTED_BY_API,
                "the API rejected the beta set "
                        + Echo.of(String.valueOf(batch.lane().betas())) + " at " + r.at() + " (" + r.answer()
                        + "); it is not tried again before " + r.at().plus(REJECTED_BETAS_TTL));
    }

    CreateOutcome classify(PendingBatch batch, BatchesApiException e) {
        int status = e.status();
        if (status == 401 || status == 403) {
            return new CreateOutcome.Fatal(
                    batch,
                    "the API refused the account '" + batch.lane().account() + "' (" + status + " " + e.errorType()
                            + "): check its key and permissions");
        }
        if ((status == 400 || status == 413) && !e.retryable()) {
            String answer = status + " " + e.errorType() + ": " + Echo.of(e.apiMessage());
            if (!batch.lane().betas().isEmpty() && aboutBetaHeader(e)) {
                rejectedBetas.put(batch.lane(), new Rejection(answer, clock.instant()));
                return CreateOutcome.Rejected.all(
                        batch,
                        DeadLetterReason.BETA_REJECTED_BY_API,
                        "the API rejected the beta set "
                                + Echo.of(String.valueOf(batch.lane().betas())) + " of this request's batch (" + answer
                                + ")");
            }
            return batch.items().size() == 1
                    ? CreateOutcome.Rejected.all(
                            batch,
                            DeadLetterReason.REJECTED_BY_API,
                            "the API rejected the request at batch creation (" + answer + ")")
                    : new CreateOutcome.Bisect(batch, e.errorType(), answer);
        }
        return new CreateOutcome.Transient(
                batch, retryAt(e.retryAfter().orElse(null)), status + " " + e.errorType(), e.outcomeUnknown());
    }

    /** A 400 about the {@code anthropic-beta} header concerns every request of the lane, not one of them. */
    static boolean aboutBetaHeader(BatchesApiException e) {
        String m = e.apiMessage();
        return m != null && m.toLowerCase(Locale.ROOT).contains("anthropic-beta");
    }

    /** When to try again: the backoff, or the server's longer wait hint. */
    Instant retryAt(Duration retryAfter) {
        return clock.instant().plus(retryAfter != null && retryAfter.compareTo(backoff) > 0 ? retryAfter : backoff);
    }

    static CreateOutcome.Rejected budgetSpent(PendingBatch batch, Bisection b) {
        return CreateOutcome.Rejected.all(
                batch,
                DeadLetterReason.REJECTED_BY_API,
                "the API rejected the batch this request was part of (" + Echo.of(b.lastAnswer())
                        + ") and the bisection budget of " + b.maxCalls()
                        + " create calls (bridge.submitter.bisect.max.calls) is spent: not isolated further");
    }
}
