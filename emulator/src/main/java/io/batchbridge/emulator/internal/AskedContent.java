package io.batchbridge.emulator.internal;

/**
 * What a request's params ask of the answer's shape, so a succeeded message can carry the blocks and
 * {@code stop_reason} the real model would give.
 *
 * @param thinkingType {@code thinking.type} ({@code enabled}, {@code adaptive}, {@code disabled}) or null
 * @param thinkingBudget {@code thinking.budget_tokens}, or -1
 * @param toolName the first tool's {@code name}, or null without tools
 * @param toolChoice {@code tool_choice.type} ({@code auto}, {@code any}, {@code tool}, {@code none}) or null
 * @param forcedTool {@code tool_choice.name} of a {@code tool} choice, or null
 * @param stopSequence the first of {@code stop_sequences}, or null
 */
public record AskedContent(
        String thinkingType,
        long thinkingBudget,
        String toolName,
        String toolChoice,
        String forcedTool,
        String stopSequence) {

    public static final AskedContent PLAIN = new AskedContent(null, -1, null, null, null, null);

    /** Whether the answer starts with a {@code thinking} block. */
    public boolean thinks() {
        return "enabled".equals(thinkingType) || "adaptive".equals(thinkingType);
    }

    /** The tool the model must call ({@code tool_choice} {@code any} or {@code tool}), or null. */
    public String mustCall() {
        if ("tool".equals(toolChoice)) {
            return forcedTool;
        }
        return "any".equals(toolChoice) ? toolName : null;
    }
}
