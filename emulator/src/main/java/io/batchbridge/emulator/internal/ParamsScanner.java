package io.batchbridge.emulator.internal;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;

/**
 * Reads one request's {@code params} object in one streaming pass: model, {@code max_tokens}, {@code stream},
 * whether {@code messages} is there, the directive of the last user message, what the params ask of the
 * answer's shape, and the first structural problem ({@link MessagesRules}, {@link ParamsRules}). Only texts
 * that may hold a directive are decoded; nothing of the params is kept.
 */
final class ParamsScanner {
    private String model;
    private boolean modelInvalid;
    private Long maxTokens;
    private boolean maxTokensInvalid;
    private boolean stream;
    private int messages;
    private Directive directive;
    private String invalid;
    private final ParamsRules rules = new ParamsRules(this::fail);

    private ParamsScanner() {}

    /** Scans the object whose START_OBJECT is the current token; returns facts without a custom_id. */
    static RequestFacts scan(JsonParser p) throws IOException {
        long start = p.currentTokenLocation().getByteOffset();
        ParamsScanner s = new ParamsScanner();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken value = p.nextToken();
            s.field(p, name, value);
        }
        long end = p.currentLocation().getByteOffset();
        long bytes = start >= 0 && end >= start ? end - start : 0;
        return new RequestFacts(
                null,
                s.model,
                s.modelInvalid,
                s.maxTokens,
                s.maxTokensInvalid,
                s.stream,
                s.messages,
                s.directive,
                bytes,
                s.invalid,
                s.rules.asked());
    }

    private void field(JsonParser p, String name, JsonToken value) throws IOException {
        switch (name) {
            case "model" -> {
                model = value == JsonToken.VALUE_STRING ? p.getText() : null;
                modelInvalid = value != JsonToken.VALUE_STRING && value != JsonToken.VALUE_NULL;
                p.skipChildren();
            }
            case "max_tokens" -> {
                if (value == JsonToken.VALUE_NUMBER_INT) {
                    maxTokens =
                            p.getNumberType() == JsonParser.NumberType.BIG_INTEGER ? Long.MAX_VALUE : p.getLongValue();
                } else {
                    maxTokensInvalid = value != JsonToken.VALUE_NULL;
                    p.skipChildren();
                }
            }
            case "stream" -> {
                stream = value == JsonToken.VALUE_TRUE;
                p.skipChildren();
            }
            case "messages" -> {
                if (value == JsonToken.START_ARRAY) {
                    messages = 1;
                    directive = MessagesRules.scan(p, this::fail);
                } else {
                    messages = value == JsonToken.VALUE_NULL ? 0 : 2;
                    p.skipChildren();
                }
            }
            default -> rules.field(p, name, value);
        }
    }

    private void fail(String message) {
        invalid = invalid == null ? message : invalid;
    }
}
