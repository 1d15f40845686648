package io.batchbridge.common.records;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.HashSet;
import java.util.Set;

/** Reads {@link ParamsFacts} from the top level of {@code params}, skipping everything else. */
final class ParamsReader {
    private ParamsReader() {}

    /**
     * The parser is on the {@code params} START_OBJECT; returns with it on the matching END_OBJECT. The prompt
     * sections are read through a {@link PrefixScanner}, which notes the cache breakpoints on the way.
     *
     * @param source the bytes the parser reads (the prompt prefix is hashed from them, once, after the pass)
     */
    static ParamsFacts read(JsonParser raw, byte[] source) throws IOException {
        long paramsStart = raw.currentTokenLocation().getByteOffset();
        PrefixScanner p = new PrefixScanner(raw);
        String model = null;
        boolean modelPresent = false;
        Long maxTokens = null;
        boolean maxTokensPresent = false;
        boolean stream = false;
        String thinkingType = null;
        Long thinkingBudget = null;
        boolean messages = false;
        boolean messagesList = false;
        String shapeProblem = null;
        String paramProblem = null;
        boolean thinkingBudgetInvalid = false;
        Set<String> disallowed = new HashSet<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken t = p.nextToken();
            switch (field) {
                case "model" -> {
                    modelPresent = true;
                    model = t == JsonToken.VALUE_STRING ? p.getText() : null;
                }
                case "max_tokens" -> {
                    maxTokensPresent = true;
                    maxTokens =
                            t == JsonToken.VALUE_NUMBER_INT && p.getNumberType() != JsonParser.NumberType.BIG_INTEGER
                                    ? p.getLongValue()
                                    : null;
                }
                case "stream" -> stream = t == JsonToken.VALUE_TRUE;
                case "messages" -> {
                    messages = t != JsonToken.VALUE_NULL;
                    messagesList = t == JsonToken.START_ARRAY;
                    p.enter(PrefixScanner.MESSAGES);
                    String found = MessagesShape.messages(p, t);
                    p.exit();
                    shapeProblem = shapeProblem == null ? found : shapeProblem;
                    continue;
                }
                case "system" -> {
                    p.enter(PrefixScanner.SYSTEM);
                    String found = MessagesShape.system(p, t);
                    p.exit();
                    shapeProblem = shapeProblem == null ? found : shapeProblem;
                    continue;
                }
                case "cache_control" -> {
                    // automatic caching: a breakpoint at the end of messages
                    if (t == JsonToken.START_OBJECT) {
                        long start = p.currentTokenLocation().getByteOffset();
                        p.skipChildren();
                        p.automatic(start, p.currentLocation().getByteOffset());
                        continue;
                    }
                }
                case "thinking" -> {
                    if (t == JsonToken.START_OBJECT) {
                        thinkingType = "";
                        while (p.nextToken() == JsonToken.FIELD_NAME) {
                            String f = p.currentName();
                            JsonToken v = p.nextToken();
                            if (f.equals("type") && v == JsonToken.VALUE_STRING) {
                                thinkingType = p.getText();
                            } else if (f.equals("budget_tokens") && v == JsonToken.VALUE_NUMBER_INT) {
                                thinkingBudget = p.getLongValue();
                            } else if (f.equals("budget_tokens") && v != JsonToken.VALUE_NULL) {
                                thinkingBudgetInvalid = true;
                            }
                            p.skipChildren();
                        }
                        continue;
                    }
                }
                case "temperature", "top_p" -> {
                    String found = ParamsShape.unitInterval(p, t, field);
                    paramProblem = paramProblem == null ? found : paramProblem;
                    continue;
                }
                case "top_k" -> {
                    String found = ParamsShape.topK(p, t);
                    paramProblem = paramProblem == null ? found : paramProblem;
                    continue;
                }
                case "stop_sequences" -> {
                    String found = ParamsShape.stopSequences(p, t);
                    paramProblem = paramProblem == null ? found : paramProblem;
                    continue;
                }
                case "tools" -> {
                    p.enter(PrefixScanner.TOOLS);
                    String found = ParamsShape.tools(p, t);
                    p.exit();
                    paramProblem = paramProblem == null ? found : paramProblem;
                    continue;
                }
                case "tool_choice" -> {
                    String found = ParamsShape.toolChoice(p, t);
                    paramProblem = paramProblem == null ? found : paramProblem;
                    continue;
                }
                case "research_preview_2026_02" -> {
                    // refused in batches only when "active" (contract §3.3); other values are the API's call
                    if (t == JsonToken.VALUE_STRING && p.getText().equals("active")) {
                        disallowed.add(field);
                    }
                }
                default -> {
                    if (ParamsFacts.DISALLOWED_KEYS.contains(field)) {
                        disallowed.add(field);
                    }
                }
            }
            p.skipChildren();
        }
        return new ParamsFacts(
                model,
                modelPresent,
                maxTokens,
                maxTokensPresent,
                stream,
                thinkingType,
                thinkingBudget,
                messages,
                messagesList,
                shapeProblem,
                paramProblem,
                thinkingBudgetInvalid,
                disallowed,
                p.prefix(source, paramsStart, model));
    }
}
