package io.batchbridge.common.validation;

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
 */
public record ValidRequest(
        RequestEnvelope envelope,
        String account,
        SortedSet<String> betas,
        String model,
        long maxTokens,
        boolean strippedRetiredBeta) {}
