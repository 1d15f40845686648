package io.batchbridge.worker.internal;

import io.batchbridge.client.ResultLine;
import io.batchbridge.client.ResultType;
import io.batchbridge.common.records.DeadLetterReason;
import io.batchbridge.common.records.Problem;
import io.batchbridge.common.records.TicketItem;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;

/**
 * The one classifier of result lines: deliver ({@code succeeded}), retry (transient {@code errored} types,
 * {@code expired}, and {@code canceled} when so configured) or dead-letter (everything else, and any retry
 * beyond the last attempt).
 *
 * <p>The last attempt is the request's own limit, carried by its ticket item: the submitter decided it when the
 * request entered ({@code bridge.submitter.retry.max.attempts}) and its retry records carry it on, so the two
 * roles cannot disagree. Only an item written by an older submitter, which carries none, is judged against this
 * worker's deprecated {@code bridge.worker.retry.max.attempts}.
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

    private final int legacyMaxAttempts;
    private final boolean retryCanceled;
    private final Duration backoffInitial;
    private final Duration backoffMax;

    /**
     * @param legacyMaxAttempts the limit of ticket items that carry none (written by submitters before the limit
     *     was carried): {@code bridge.worker.retry.max.attempts}
     */
    public ResultRouter(int legacyMaxAttempts, boolean retryCanceled, Duration backoffInitial, Duration backoffMax) {
        if (legacyMaxAttempts < 1) {
            throw new IllegalArgumentException("an attempt limit must be at least 1 but was " + legacyMaxAttempts);
        }
        this.legacyMaxAttempts = legacyMaxAttempts;
        this.retryCanceled = retryCanceled;
        this.backoffInitial = backoffInitial;
        this.backoffMax = backoffMax;
    }

    /** The limit {@code item} is judged against: the one it carries, else the legacy fallback. */
    public int maxAttempts(TicketItem item) {
        return item.maxAttempts() > 0 ? item.maxAttempts() : legacyMaxAttempts;
    }

    /** Routes the result line of ticket item {@code item}, against its own attempt and attempt limit. */
    public Decision route(ResultLine line, TicketItem item) {
        return route(line, item.attempt(), maxAttempts(item));
    }

    /** Routes a result line of a request on {@code attempt} whose limit is {@code maxAttempts}. */
    public Decision route(ResultLine line, int attempt, int maxAttempts) {
        ResultType type = line.type();
        return switch (type) {
            case SUCCEEDED -> new Decision(Action.DELIVER, null);
            case ERRORED ->
                TRANSIENT_ERRORS.contains(line.errorType())
                        ? retry(attempt, maxAttempts, line.errorType() + ": " + line.errorMessage())
                        : dead(
                                DeadLetterReason.API_ERROR,
                                "the API answered errored with " + line.errorType() + ": " + line.errorMessage());
            case EXPIRED -> retry(attempt, maxAttempts, "expired: the batch ended before the request was processed");
            case CANCELED ->
                retryCanceled
                        ? retry(
                                attempt,
                                maxAttempts,
                                "canceled: the batch was canceled before the request was processed")
                        : dead(DeadLetterReason.CANCELED, "the request was canceled with its batch");
            case UNKNOWN -> dead(DeadLetterReason.API_ERROR, "the API answered an unknown result type");
        };
    }

    private static Decision retry(int attempt, int maxAttempts, String why) {
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
