package io.batchbridge.emulator.internal;

import static io.batchbridge.emulator.internal.JsonRules.extra;
import static io.batchbridge.emulator.internal.JsonRules.noTag;
import static io.batchbridge.emulator.internal.JsonRules.required;
import static io.batchbridge.emulator.internal.JsonRules.unknownTag;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Checks the top-level {@code params} fields other than {@code model}, {@code max_tokens}, {@code stream} and
 * {@code messages} while streaming them: sampling ranges, stop sequences, system, thinking, tools, tool choice,
 * the parameters batches refuse, and unknown keys. Remembers the {@link AskedContent}. Problems go to the
 * {@code fail} sink (the first one wins).
 */
final class ParamsRules {
    /** Top-level keys accepted without a closer look (the Messages API's and the beta-only ones, contract §3). */
    static final Set<String> PASSED = Set.of(
            "metadata",
            "output_config",
            "service_tier",
            "cache_control",
            "container",
            "inference_geo",
            "context_management",
            "mcp_servers",
            "output_format",
            "diagnostics",
            "fallbacks",
            "user_profile_id");
    /** Parameters the Messages API has but batches refuse (contract §3.3; {@code stream} is the scanner's). */
    static final Set<String> NOT_IN_BATCHES = Set.of("store", "previous_thread_event_id", "cache_hint", "context_hint");

    static final List<String> THINKING_TYPES = List.of("enabled", "disabled", "adaptive");
    static final List<String> TOOL_CHOICES = List.of("auto", "any", "tool", "none");
    static final int MIN_THINKING_BUDGET = 1024;
    /** Keys a custom (client) tool may have. */
    private static final Set<String> CUSTOM_TOOL_KEYS = Set.of(
            "type",
            "name",
            "description",
            "input_schema",
            "cache_control",
            "strict",
            "input_examples",
            "defer_loading",
            "allowed_callers",
            "eager_input_streaming");

    private final Consumer<String> fail;
    private String thinkingType;
    private long thinkingBudget = -1;
    private String toolName;
    private String toolChoice;
    private String forcedTool;
    private String stopSequence;

    ParamsRules(Consumer<String> fail) {
        this.fail = fail;
    }

    AskedContent asked() {
        return new AskedContent(thinkingType, thinkingBudget, toolName, toolChoice, forcedTool, stopSequence);
    }

    /** Reads and checks one top-level field's value (the parser is on its first token). */
    void field(JsonParser p, String name, JsonToken v) throws IOException {
        switch (name) {
            case "system" -> system(p, v);
            case "temperature", "top_p" -> JsonRules.range(p, v, name, 0, 1, false, fail);
            case "top_k" -> JsonRules.range(p, v, name, 0, Double.MAX_VALUE, true, fail);
            case "stop_sequences" -> stopSequences(p, v);
            case "thinking" -> thinking(p, v);
            case "tools" -> tools(p, v);
            case "tool_choice" -> toolChoice(p, v);
            case "speed" -> {
                p.skipChildren();
                fail.accept("speed: fast mode is not supported in the Message Batches API");
            }
            case "research_preview_2026_02" -> {
                if (v == JsonToken.VALUE_STRING && p.getText().equals("active")) {
                    fail.accept(name + ": is not supported in the Message Batches API");
                }
                p.skipChildren();
            }
            default -> {
                p.skipChildren();
                if (NOT_IN_BATCHES.contains(name)) {
                    fail.accept(name + ": is not supported in the Message Batches API");
                } else if (!PASSED.contains(name)) {
                    fail.accept(extra(name));
                }
            }
        }
    }

    private void system(JsonParser p, JsonToken v) throws IOException {
        if (v == JsonToken.VALUE_STRING || !JsonRules.list(p, v, "system", fail)) {
            return;
        }
        for (int i = 0; p.nextToken() != JsonToken.END_ARRAY; i++) {
            String at = "system." + i;
            if (!JsonRules.object(p, at, fail)) {
                continue;
            }
            String type = null;
            boolean text = false;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String key = p.currentName();
                JsonToken value = p.nextToken();
                if (key.equals("type")) {
                    type = JsonRules.string(p, value, at + ".type", fail);
                } else if (key.equals("text")) {
                    text = JsonRules.string(p, value, at + ".text", fail) != null;
                } else {
                    p.skipChildren();
                }
            }
            if (!"text".equals(type)) {
                fail.accept(type == null ? required(at + ".type") : at + ".type: Input should be 'text'");
            } else if (!text) {
                fail.accept(required(at + ".text"));
            }
        }
    }

    private void stopSequences(JsonParser p, JsonToken v) throws IOException {
        if (!JsonRules.list(p, v, "stop_sequences", fail)) {
            return;
        }
        for (int i = 0; p.nextToken() != JsonToken.END_ARRAY; i++) {
            String s = JsonRules.string(p, p.currentToken(), "stop_sequences." + i, fail);
            stopSequence = stopSequence == null ? s : stopSequence;
        }
    }

    private void thinking(JsonParser p, JsonToken v) throws IOException {
        if (v != JsonToken.START_OBJECT) {
            p.skipChildren();
            fail.accept("thinking: Input should be a valid dictionary or object to extract fields from");
            return;
        }
        boolean budgetSeen = false;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String key = p.currentName();
            JsonToken value = p.nextToken();
            if (key.equals("type")) {
                thinkingType = JsonRules.string(p, value, "thinking.type", fail);
            } else if (key.equals("budget_tokens")) {
                budgetSeen = true;
                if (value == JsonToken.VALUE_NUMBER_INT) {
                    thinkingBudget = JsonRules.longValue(p);
                } else {
                    p.skipChildren();
                    fail.accept("thinking.enabled.budget_tokens: Input should be a valid integer");
                    thinkingBudget = MIN_THINKING_BUDGET;
                }
            } else {
                p.skipChildren();
            }
        }
        if (thinkingType == null) {
            fail.accept(noTag("thinking"));
        } else if (!THINKING_TYPES.contains(thinkingType)) {
            fail.accept(unknownTag("thinking", thinkingType, THINKING_TYPES));
        } else if (thinkingType.equals("enabled") && !budgetSeen) {
            fail.accept(required("thinking.enabled.budget_tokens"));
        } else if (thinkingType.equals("enabled") && thinkingBudget < MIN_THINKING_BUDGET) {
            fail.accept(
                    "thinking.enabled.budget_tokens: Input should be greater than or equal to " + MIN_THINKING_BUDGET);
        }
    }

    private void tools(JsonParser p, JsonToken v) throws IOException {
        if (!JsonRules.list(p, v, "tools", fail)) {
            return;
        }
        for (int i = 0; p.nextToken() != JsonToken.END_ARRAY; i++) {
            if (JsonRules.object(p, "tools." + i, fail)) {
                tool(p, i);
            }
        }
    }

    private void tool(JsonParser p, int i) throws IOException {
        String type = null;
        String name = null;
        boolean schema = false;
        String extraKey = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String key = p.currentName();
            JsonToken value = p.nextToken();
            switch (key) {
                case "type" -> type = JsonRules.string(p, value, "tools." + i + ".type", fail);
                case "name" -> name = JsonRules.string(p, value, "tools." + i + ".name", fail);
                case "input_schema" -> {
                    schema = value == JsonToken.START_OBJECT;
                    p.skipChildren();
                }
                default -> {
                    extraKey = extraKey == null && !CUSTOM_TOOL_KEYS.contains(key) ? key : extraKey;
                    p.skipChildren();
                }
            }
        }
        toolName = toolName == null ? name : toolName;
        if (type != null && !type.equals("custom")) {
            return; // a server tool (web_search_…, code_execution_…): its versions change too often to check here
        }
        String at = "tools." + i + ".custom.";
        if (name == null) {
            fail.accept(required(at + "name"));
        } else if (!schema) {
            fail.accept(required(at + "input_schema"));
        } else if (extraKey != null) {
            fail.accept(extra(at + extraKey));
        }
    }

    private void toolChoice(JsonParser p, JsonToken v) throws IOException {
        if (v != JsonToken.START_OBJECT) {
            p.skipChildren();
            fail.accept("tool_choice: Input should be a valid dictionary or object to extract fields from");
            return;
        }
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String key = p.currentName();
            JsonToken value = p.nextToken();
            if (key.equals("type")) {
                toolChoice = JsonRules.string(p, value, "tool_choice.type", fail);
            } else if (key.equals("name")) {
                forcedTool = JsonRules.string(p, value, "tool_choice.tool.name", fail);
            } else {
                p.skipChildren();
            }
        }
        if (toolChoice == null) {
            fail.accept(noTag("tool_choice"));
        } else if (!TOOL_CHOICES.contains(toolChoice)) {
            fail.accept(unknownTag("tool_choice", toolChoice, TOOL_CHOICES));
        } else if (toolChoice.equals("tool") && forcedTool == null) {
            fail.accept(required("tool_choice.tool.name"));
        }
    }
}
