package io.batchbridge.emulator;

import java.util.List;

/**
 * Per-request {@code params} the API refuses with an {@code errored} line, and the message each gets; shared by
 * the raw-HTTP and the official-SDK tests so both prove the same rules. An expected message ending in
 * {@code …} is a prefix.
 */
final class ParamsCases {
    static final String MODEL = "claude-sonnet-4-6";
    static final String HI = "[{\"role\":\"user\",\"content\":\"hi\"}]";
    static final String BUDGET_MESSAGE =
            "`max_tokens` must be greater than `thinking.budget_tokens`. Please consult our"
                    + " documentation at https://docs.claude.com/en/docs/build-with-claude/extended-thinking"
                    + "#max-tokens-and-context-window-size";

    /** One refused request: its custom_id, its params and the message of its errored line. */
    record Case(String customId, String params, String message) {
        boolean matches(String actual) {
            return message.endsWith("…")
                    ? actual.startsWith(message.substring(0, message.length() - 1))
                    : actual.equals(message);
        }

        @Override
        public String toString() {
            return customId;
        }
    }

    private ParamsCases() {}

    /** Params with the given messages and extra top-level fields (a JSON fragment starting with a comma, or ""). */
    static String params(String model, long maxTokens, String messages, String extra) {
        return "{\"model\":\"" + model + "\",\"max_tokens\":" + maxTokens + ",\"messages\":" + messages + extra + "}";
    }

    static String params(String messages, String extra) {
        return params(MODEL, 2048, messages, extra);
    }

    static final List<Case> REFUSED = List.of(
            new Case("empty-messages", params("[]", ""), "messages: at least one message is required"),
            new Case(
                    "robot-role",
                    params("[{\"role\":\"robot\",\"content\":\"hi\"}]", ""),
                    "messages.0.role: Input should be 'user' or 'assistant'"),
            new Case("no-role", params("[{\"content\":\"hi\"}]", ""), "messages.0.role: Field required"),
            new Case(
                    "content-42",
                    params("[{\"role\":\"user\",\"content\":42}]", ""),
                    "messages.0.content: Input should be a valid list"),
            new Case(
                    "unknown-block",
                    params("[{\"role\":\"user\",\"content\":[{\"type\":\"hologram\",\"text\":\"hi\"}]}]", ""),
                    "messages.0.content.0: Input tag 'hologram' found using 'type' does not match any of the"
                            + " expected tags: 'text', 'image', 'document'…"),
            new Case(
                    "untyped-block",
                    params("[{\"role\":\"user\",\"content\":[{\"text\":\"hi\"}]}]", ""),
                    "messages.0.content.0: Unable to extract tag using discriminator 'type'"),
            new Case(
                    "text-not-string",
                    params("[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":5}]}]", ""),
                    "messages.0.content.0.text.text: Input should be a valid string"),
            new Case(
                    "empty-content",
                    params("[{\"role\":\"user\",\"content\":\"\"},{\"role\":\"assistant\",\"content\":\"ok\"}]", ""),
                    "messages.0: all messages must have non-empty content except for the optional final assistant"
                            + " message"),
            new Case(
                    "speed",
                    params(HI, ",\"speed\":\"fast\""),
                    "speed: fast mode is not supported in the Message Batches API"),
            new Case("store", params(HI, ",\"store\":true"), "store: is not supported in the Message Batches API"),
            new Case(
                    "budget-low",
                    params(HI, ",\"thinking\":{\"type\":\"enabled\",\"budget_tokens\":512}"),
                    "thinking.enabled.budget_tokens: Input should be greater than or equal to 1024"),
            new Case(
                    "budget-string",
                    params(HI, ",\"thinking\":{\"type\":\"enabled\",\"budget_tokens\":\"many\"}"),
                    "thinking.enabled.budget_tokens: Input should be a valid integer"),
            new Case(
                    "budget-high",
                    params(HI, ",\"thinking\":{\"type\":\"enabled\",\"budget_tokens\":4096}"),
                    BUDGET_MESSAGE),
            new Case(
                    "thinking-type",
                    params(HI, ",\"thinking\":{\"type\":\"sometimes\"}"),
                    "thinking: Input tag 'sometimes' found using 'type' does not match any of the expected tags:"
                            + " 'enabled', 'disabled', 'adaptive'"),
            new Case(
                    "temperature",
                    params(HI, ",\"temperature\":1.5"),
                    "temperature: Input should be less than or equal to 1"),
            new Case("top-p", params(HI, ",\"top_p\":-0.1"), "top_p: Input should be greater than or equal to 0"),
            new Case("top-k", params(HI, ",\"top_k\":-1"), "top_k: Input should be greater than or equal to 0"),
            new Case(
                    "stop-string",
                    params(HI, ",\"stop_sequences\":\"END\""),
                    "stop_sequences: Input should be a valid list"),
            new Case(
                    "stop-number",
                    params(HI, ",\"stop_sequences\":[1]"),
                    "stop_sequences.0: Input should be a valid string"),
            new Case("system-42", params(HI, ",\"system\":42"), "system: Input should be a valid list"),
            new Case(
                    "system-image",
                    params(HI, ",\"system\":[{\"type\":\"image\"}]"),
                    "system.0.type: Input should be 'text'"),
            new Case(
                    "tool-no-schema",
                    params(HI, ",\"tools\":[{\"name\":\"lookup\"}]"),
                    "tools.0.custom.input_schema: Field required"),
            new Case(
                    "tool-extra-key",
                    params(
                            HI,
                            ",\"tools\":[{\"name\":\"lookup\",\"input_schema\":{\"type\":\"object\"},\"colour\":1}]"),
                    "tools.0.custom.colour: Extra inputs are not permitted"),
            new Case(
                    "tool-choice",
                    params(HI, ",\"tool_choice\":{\"type\":\"sometimes\"}"),
                    "tool_choice: Input tag 'sometimes' found using 'type' does not match any of the expected tags:"
                            + " 'auto', 'any', 'tool', 'none'"),
            new Case("unknown-param", params(HI, ",\"colour\":\"red\""), "colour: Extra inputs are not permitted"),
            new Case("betas-in-params", params(HI, ",\"betas\":[\"x\"]"), "betas: Extra inputs are not permitted"),
            new Case(
                    "over-window",
                    params(
                            "claude-haiku-4-5",
                            1000,
                            "[{\"role\":\"user\",\"content\":\"" + "a".repeat(900_000) + "\"}]",
                            ""),
                    "prompt is too long: 225…"));

    /** A request using every content shape and sampling field the API accepts: it must succeed. */
    static final String ACCEPTED = params(
            "[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"look\",\"cache_control\":{\"type\":\"ephemeral\"}},"
                    + "{\"type\":\"image\",\"source\":{\"type\":\"base64\",\"media_type\":\"image/png\",\"data\":\"iVBO\"}},"
                    + "{\"type\":\"document\",\"source\":{\"type\":\"text\",\"media_type\":\"text/plain\",\"data\":\"d\"}}]},"
                    + "{\"role\":\"assistant\",\"content\":[{\"type\":\"thinking\",\"thinking\":\"t\",\"signature\":\"s\"},"
                    + "{\"type\":\"tool_use\",\"id\":\"toolu_1\",\"name\":\"lookup\",\"input\":{}}]},"
                    + "{\"role\":\"user\",\"content\":[{\"type\":\"tool_result\",\"tool_use_id\":\"toolu_1\",\"content\":\"42\"}]},"
                    + "{\"role\":\"assistant\",\"content\":\"\"}]",
            ",\"system\":[{\"type\":\"text\",\"text\":\"be brief\"}],\"temperature\":1,\"top_p\":0.9,\"top_k\":5,"
                    + "\"stop_sequences\":[\"END\"],\"metadata\":{\"user_id\":\"u\"},"
                    + "\"thinking\":{\"type\":\"enabled\",\"budget_tokens\":1024},"
                    + "\"tools\":[{\"name\":\"lookup\",\"description\":\"d\",\"input_schema\":{\"type\":\"object\"}},"
                    + "{\"type\":\"web_search_20250305\",\"name\":\"web_search\",\"max_uses\":1}],"
                    + "\"tool_choice\":{\"type\":\"auto\"}");
}
