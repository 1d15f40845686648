package io.batchbridge.emulator.internal;

import io.batchbridge.common.model.ModelCatalogue;
import io.batchbridge.common.model.ModelInfo;
import java.util.Collection;
import java.util.Optional;

/**
 * Decides each request's fate: deferred {@code params} validation first (with the API's messages), then the
 * request's {@code #emulate} directive, else the seeded {@link OutputProfile}.
 */
public final class Planner {
    /** The API's answer to a thinking budget not below {@code max_tokens} (seen in public error reports). */
    static final String THINKING_BUDGET = "`max_tokens` must be greater than `thinking.budget_tokens`. Please consult"
            + " our documentation at https://docs.claude.com/en/docs/build-with-claude/extended-thinking"
            + "#max-tokens-and-context-window-size";

    private final ModelCatalogue catalogue;
    private final OutputProfile profile;
    private final long seed;
    /** Submissions seen per directive key, for {@code times=N} (bounded by the keys a test or demo uses). */
    private final java.util.concurrent.ConcurrentHashMap<String, Integer> submissions =
            new java.util.concurrent.ConcurrentHashMap<>();

    public Planner(ModelCatalogue catalogue, OutputProfile profile, long seed) {
        this.catalogue = catalogue;
        this.profile = profile;
        this.seed = seed;
    }

    public PlannedRequest plan(String batchId, Collection<String> betas, RequestFacts f) {
        long hash = Hashing.hash(seed, batchId, f.customId());
        long queueMicros = (long) (Hashing.unit(Hashing.mix(hash + 1)) * profile.maxQueueSeconds() * 1e6) + 500_000;
        String invalid = validationError(f, betas);
        if (invalid != null) {
            return errored(f, hash, "invalid_request_error", invalid, null, queueMicros);
        }
        if (catalogue.find(f.model()).isEmpty()) {
            return errored(f, hash, "not_found_error", "model: " + f.model(), null, queueMicros);
        }
        Directive d = f.directive();
        String outcome = d != null && d.outcome() != null && directiveApplies(d) ? d.outcome() : drawOutcome(hash);
        long input = d != null && d.inputTokens() >= 0 ? d.inputTokens() : f.estimatedInputTokens();
        if (outcome.equals("expired")) {
            return new PlannedRequest(
                    f.customId(),
                    Outcome.EXPIRED,
                    null,
                    null,
                    null,
                    f.model(),
                    0,
                    input,
                    0,
                    0,
                    null,
                    PlannedRequest.NEVER,
                    hash,
                    AskedContent.PLAIN);
        }
        if (outcome.equals("errored")) {
            String type = d != null && d.errorType() != null ? d.errorType() : drawErrorType(hash);
            String requestId = Ids.derived("workerreq_", hash);
            return errored(f, hash, type, executionMessage(type), requestId, finish(d, queueMicros, 0));
        }
        return succeeded(f, d, hash, input, queueMicros);
    }

    /** A {@code times=N key=K} directive steers only the first N submissions of K; later ones succeed. */
    private boolean directiveApplies(Directive d) {
        if (d.times() < 0 || d.key() == null) {
            return true;
        }
        return submissions.merge(d.key(), 1, Integer::sum) <= d.times();
    }

    private PlannedRequest succeeded(RequestFacts f, Directive d, long hash, long input, long queueMicros) {
        long max = f.maxTokens();
        long wanted = d != null && d.outputTokens() >= 0 ? d.outputTokens() : drawOutputTokens(hash);
        long out = Math.max(1, Math.min(wanted, max));
        String stop = d != null && d.stopReason() != null ? d.stopReason() : stopReason(wanted >= max, f.asked());
        long room = catalogue.find(f.model()).orElseThrow().contextWindow() - input;
        if (out > room) {
            // Newer models stop at the window's edge rather than refuse (input was checked against it already).
            out = Math.max(1, room);
            stop = "model_context_window_exceeded";
        }
        long read = d == null ? 0 : d.cacheReadTokens();
        long write = d == null ? 0 : d.cacheWriteTokens();
        return new PlannedRequest(
                f.customId(),
                Outcome.SUCCEEDED,
                null,
                null,
                null,
                f.model(),
                out,
                input,
                read,
                write,
                stop,
                finish(d, queueMicros, out),
                hash,
                f.asked(),
                start(d, queueMicros),
                0);
    }

    /** When processing starts: after the queue wait, or at once for a directive that fixes the duration. */
    private static long start(Directive d, long queueMicros) {
        if (d != null && d.durationSeconds() >= 0) {
            return Math.min(queueMicros, (long) (d.durationSeconds() * 1e6));
        }
        return queueMicros;
    }

    /** Why an undirected answer stops: the cap, a call of the tool the tool choice forces, or its end. */
    private static String stopReason(boolean capped, AskedContent asked) {
        if (capped) {
            return "max_tokens";
        }
        return asked.mustCall() != null ? "tool_use" : "end_turn";
    }

    private long finish(Directive d, long queueMicros, long outputTokens) {
        if (d != null && d.durationSeconds() >= 0) {
            return (long) (d.durationSeconds() * 1e6);
        }
        return queueMicros + (long) (outputTokens / profile.tokensPerSecond() * 1e6);
    }

    private PlannedRequest errored(
            RequestFacts f, long hash, String type, String message, String requestId, long finishMicros) {
        return new PlannedRequest(
                f.customId(),
                Outcome.ERRORED,
                type,
                message,
                requestId,
                f.model(),
                0,
                0,
                0,
                0,
                null,
                finishMicros,
                hash,
                AskedContent.PLAIN);
    }

    /** The deferred validation message of a request, or null when its params pass (model existence aside). */
    String validationError(RequestFacts f, Collection<String> betas) {
        if (f.messages() == 0) {
            return "messages: Field required";
        }
        if (f.messages() == 2) {
            return "messages: Input should be a valid list";
        }
        if (f.model() == null) {
            return f.modelInvalid() ? "model: Input should be a valid string" : "model: Field required";
        }
        if (f.maxTokens() == null) {
            return f.maxTokensInvalid() ? "max_tokens: Input should be a valid integer" : "max_tokens: Field required";
        }
        if (f.invalid() != null) {
            return f.invalid();
        }
        if (f.stream()) {
            return "\"stream=True\" is not supported in the Message Batches API";
        }
        if (f.maxTokens() < 1) {
            return "max_tokens: must be greater than or equal to 1";
        }
        Optional<ModelInfo> model = catalogue.find(f.model());
        if (model.isPresent()) {
            int cap = catalogue.maxTokens(model.get(), betas);
            if (f.maxTokens() > cap) {
                return "max_tokens: " + f.maxTokens() + " > " + cap
                        + ", which is the maximum allowed number of output tokens for " + f.model();
            }
        }
        if ("enabled".equals(f.asked().thinkingType()) && f.asked().thinkingBudget() >= f.maxTokens()) {
            return THINKING_BUDGET;
        }
        if (model.isPresent() && f.estimatedInputTokens() > model.get().contextWindow()) {
            return "prompt is too long: " + f.estimatedInputTokens() + " tokens > "
                    + model.get().contextWindow() + " maximum";
        }
        return null;
    }

    /**
     * The 400 message of a count_tokens body, or null when it passes: the batch item's params checks that apply
     * without {@code max_tokens} (unknown keys, including {@code max_tokens}, are the scanner's).
     */
    String countTokensError(RequestFacts f) {
        if (f.messages() == 0) {
            return "messages: Field required";
        }
        if (f.messages() == 2) {
            return "messages: Input should be a valid list";
        }
        if (f.model() == null) {
            return f.modelInvalid() ? "model: Input should be a valid string" : "model: Field required";
        }
        return f.invalid();
    }

    private String drawOutcome(long hash) {
        double u = Hashing.unit(Hashing.mix(hash + 2));
        if (u < profile.errorRate()) {
            return "errored";
        }
        return u < profile.errorRate() + profile.expireRate() ? "expired" : "succeeded";
    }

    private static String drawErrorType(long hash) {
        return (hash & 1) == 0 ? "overloaded_error" : "api_error";
    }

    private long drawOutputTokens(long hash) {
        double u = Hashing.unit(Hashing.mix(hash + 3));
        return profile.minOutputTokens() + (long) (u * (profile.maxOutputTokens() - profile.minOutputTokens() + 1));
    }

    static String executionMessage(String type) {
        return switch (type) {
            case "overloaded_error" -> "Overloaded";
            case "api_error" -> "Internal server error";
            case "rate_limit_error" -> "Rate limited";
            case "timeout_error" -> "Request timed out";
            case "not_found_error" -> "Not found";
            case "permission_error" -> "Permission denied";
            default -> "Emulated " + type;
        };
    }
}
