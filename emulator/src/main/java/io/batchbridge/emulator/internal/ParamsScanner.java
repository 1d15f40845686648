package io.batchbridge.emulator.internal;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;

/**
 * Reads one request's {@code params} object far enough to learn model, {@code max_tokens}, {@code stream},
 * whether {@code messages} is there, and the directive of the last user message. Everything else is skipped
 * without being decoded.
 */
final class ParamsScanner {
    private String model;
    private boolean modelInvalid;
    private Long maxTokens;
    private boolean maxTokensInvalid;
    private boolean stream;
    private int messages;
    private Directive directive;

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
                bytes);
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
            case "stream" -> stream = value == JsonToken.VALUE_TRUE;
            case "messages" -> {
                if (value == JsonToken.START_ARRAY) {
                    messages = 1;
                    directive = lastUserDirective(p);
                } else {
                    messages = value == JsonToken.VALUE_NULL ? 0 : 2;
                    p.skipChildren();
                }
            }
            default -> p.skipChildren();
        }
    }

    private static Directive lastUserDirective(JsonParser p) throws IOException {
        Directive last = null;
        while (p.nextToken() != JsonToken.END_ARRAY) {
            if (p.currentToken() != JsonToken.START_OBJECT) {
                p.skipChildren();
                continue;
            }
            boolean user = false;
            Directive found = null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                if (name.equals("role")) {
                    user = value == JsonToken.VALUE_STRING && p.getText().equals("user");
                } else if (name.equals("content")) {
                    found = contentDirective(p, value);
                } else {
                    p.skipChildren();
                }
            }
            if (user) {
                last = found;
            }
        }
        return last;
    }

    private static Directive contentDirective(JsonParser p, JsonToken value) throws IOException {
        if (value == JsonToken.VALUE_STRING) {
            return Directive.find(p.getText());
        }
        if (value != JsonToken.START_ARRAY) {
            p.skipChildren();
            return null;
        }
        Directive found = null;
        while (p.nextToken() != JsonToken.END_ARRAY) {
            if (p.currentToken() != JsonToken.START_OBJECT) {
                p.skipChildren();
                continue;
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken v = p.nextToken();
                if (name.equals("text") && v == JsonToken.VALUE_STRING) {
                    Directive d = Directive.find(p.getText());
                    found = d != null ? d : found;
                } else {
                    p.skipChildren();
                }
            }
        }
        return found;
    }
}
