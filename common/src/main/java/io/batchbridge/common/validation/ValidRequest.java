package io.batchbridge.common.validation;

import io.batchbridge.common.records.PromptPrefix;
import io.batchbridge.common.records.RequestEnvelope;
import java.util.SortedSet;

/**
 * A request that passed intake validation, with the lane it belongs to.
 *
 * @param account the API account that will run it
 * @param betas the betas its batch must carry (user's, minus retired ones, plus extended output when needed)
 * @param model the model as requested
 * @param maxTokens {@code params.max_tokens}
 * @param strippedRetiredBeta true when a retired beta was removed from the request's betas
 * @param prefix its prompt prefix up to the last cache breakpoint, with the model, read while validating
 *     ({@link PromptPrefix#NONE} without a breakpoint): the submitter packs requests that share one together
 */
public record ValidRequest(
        RequestEnvelope envelope,
        String account,
        SortedSet<String> betas,
        String model,
        long maxTokens,
        boolean strippedRetiredBeta,
        PromptPrefix prefix) {

    public ValidRequest {
        prefix = prefix == null ? PromptPrefix.NONE : prefix;
    }

    /** A request without a cache prefix. */
    public ValidRequest(
            RequestEnvelope envelope,
            String account,
            SortedSet<String> betas,
            String model,
            long maxTokens,
            boolean strippedRetiredBeta) {
        this(envelope, account, betas, model, maxTokens, strippedRetiredBeta, PromptPrefix.NONE);
    }

    /** The same request with another envelope (same params, or params whose prefix is unchanged). */
    public ValidRequest withEnvelope(RequestEnvelope e) {
        return new ValidRequest(e, account, betas, model, maxTokens, strippedRetiredBeta, prefix);
    }
}
