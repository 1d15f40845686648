package io.batchbridge.worker.internal;

import io.batchbridge.client.ResultLine;
import io.batchbridge.client.ResultType;
import io.batchbridge.common.records.DeadLetterReason;
import io.batchbridge.common.records.Problem;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;

/**
 * The one classifier of result lines: deliver ({@code succeeded}), retry (transient {@code errored} types,
 * {@code expired}, and {@code canceled} when so configured) or dead-letter (everything else, and any retry
 * beyond the last attempt).
 */
public final class ResultRouter {
    /** Errored types worth another attempt. */
    public static final Set<String> TRANSIENT_ERRORS =
            Set.of("overloaded_error", "api_error", "rate_limit_error", "timeout_error");

    public enum Action {
        DELIVER,
        RETRY,
        DEAD_LETTER
    }

    /**
     * @param problem why it is retried (its sentence becomes {@code last_error}) or dead-lettered; null to deliver
     */
    public record Decision(Action action, Problem problem) {}

    private final int maxAttempts;
    private final boolean retryCanceled;
    private final Duration backoffInitial;
    private final Duration backoffMax;

    public ResultRouter(int maxAttempts, boolean retryCanceled, Duration backoffInitial, Duration backoffMax) {
        this.maxAttempts = maxAttempts;
        this.retryCanceled = retryCanceled;
        this.backoffInitial = backoffInitial;
        this.backoffMax = backoffMax;
    }

    public Decision route(ResultLine line, int attempt) {
        ResultType type = line.type();
        return switch (type) {
            case SUCCEEDED -> new Decision(Action.DELIVER, null);
            case ERRORED ->
                TRANSIENT_ERRORS.contains(line.errorType())
                        ? retry(attempt, line.errorType() + ": " + line.errorMessage())
                        : dead(
                                DeadLetterReason.API_ERROR,
                                "the API answered errored with " + line.errorType() + ": " + line.errorMessage());
            case EXPIRED -> retry(attempt, "expired: the batch ended before the request was processed");
            case CANCELED ->
                retryCanceled
                        ? retry(attempt, "canceled: the batch was canceled before the request was processed")
                        : dead(DeadLetterReason.CANCELED, "the request was canceled with its batch");
            case UNKNOWN -> dead(DeadLetterReason.API_ERROR, "the API answered an unknown result type");
        };
    }

    private Decision retry(int attempt, String why) {
        if (attempt >= maxAttempts) {
            return dead(
                    DeadLetterReason.ATTEMPTS_EXHAUSTED,
                    "attempt " + attempt + " of " + maxAttempts + " failed with " + why);
        }
        return new Decision(Action.RETRY, new Problem(DeadLetterReason.API_ERROR, why));
    }

    private static Decision dead(DeadLetterReason reason, String sentence) {
        return new Decision(Action.DEAD_LETTER, new Problem(reason, sentence));
    }

    /** The retry record's delay after {@code attempt} failed: initial, doubled per attempt, capped. */
    public Duration backoff(int attempt) {
        long ms = backoffInitial.toMillis() << Math.min(20, Math.max(0, attempt - 1));
        return Duration.ofMillis(Math.min(ms, backoffMax.toMillis()));
    }

    /** The metric tag of a result type. */
    public static String tag(ResultType t) {
        return t.name().toLowerCase(Locale.ROOT);
    }
}
