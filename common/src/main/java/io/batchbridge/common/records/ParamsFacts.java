package io.batchbridge.common.records;

import java.util.Set;

/**
 * What intake validation and routing need to know about a request's {@code params}, read without
 * building a tree of the (possibly 4 MB) body.
 *
 * @param model {@code params.model} if it is a string, else null
 * @param modelPresent whether the key exists at all
 * @param maxTokens {@code params.max_tokens} if it is an integral number, else null
 * @param maxTokensPresent whether the key exists at all
 * @param stream {@code params.stream} is {@code true}
 * @param thinkingType {@code params.thinking.type}, if any
 * @param thinkingBudget {@code params.thinking.budget_tokens}, if an integral number
 * @param messagesPresent whether {@code params.messages} exists (and is not null)
 * @param messagesIsList whether {@code params.messages} is a JSON array
 * @param shapeProblem the first structural problem of {@code messages} or {@code system} that the API can never
 *     accept (empty messages, a role other than user/assistant, content neither a string nor blocks), or null
 * @param paramProblem the first value of a sampling, stop-sequence or tool field that the API never accepts, or null
 * @param thinkingBudgetInvalid {@code thinking.budget_tokens} is present but not an integer
 * @param disallowed top-level keys that the Batches API does not allow (e.g. {@code speed})
 * @param prefix the prompt prefix up to the last cache breakpoint, with the model ({@link PromptPrefix#NONE}
 *     without a breakpoint), noted in the same pass
 */
public record ParamsFacts(
        String model,
        boolean modelPresent,
        Long maxTokens,
        boolean maxTokensPresent,
        boolean stream,
        String thinkingType,
        Long thinkingBudget,
        boolean messagesPresent,
        boolean messagesIsList,
        String shapeProblem,
        String paramProblem,
        boolean thinkingBudgetInvalid,
        Set<String> disallowed,
        PromptPrefix prefix) {

    /**
     * Top-level {@code params} keys the Batches API refuses whatever their value ({@code shared/design/batches-api.md}
     * §3.3); {@code research_preview_2026_02} is refused only as {@code "active"}.
     */
    public static final Set<String> DISALLOWED_KEYS =
            Set.of("speed", "store", "previous_thread_event_id", "cache_hint", "context_hint");

    public ParamsFacts {
        disallowed = Set.copyOf(disallowed);
    }
}
