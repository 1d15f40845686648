package io.batchbridge.common.records;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;

/**
 * The structural rules of {@code params.messages} and {@code params.system} that no version of the API can
 * accept, checked in the same streaming pass that reads the rest of {@code params}: messages a non-empty list of
 * objects, each with a role of {@code user} or {@code assistant} and content that is a string or a list of
 * content-block objects with a string {@code type}; system a string or a list of such blocks. Block types, and
 * everything inside a block, are left to the API: a type it adds tomorrow passes through today.
 */
final class MessagesShape {
    private MessagesShape() {}

    /**
     * The parser is on the value of {@code messages}; returns with it on that value's last token. Returns the
     * first problem as a sentence, or null.
     */
    static String messages(JsonParser p, JsonToken t) throws IOException {
        if (t != JsonToken.START_ARRAY) {
            p.skipChildren();
            return null; // missing or not a list: reported by the validator with its own sentence
        }
        String problem = null;
        int index = 0;
        for (JsonToken e = p.nextToken(); e != JsonToken.END_ARRAY; e = p.nextToken(), index++) {
            String found = message(p, e, "params.messages." + index);
            problem = problem == null ? found : problem;
        }
        return problem == null && index == 0 ? "params.messages must not be empty" : problem;
    }

    /** The parser is on the value of {@code system}; same contract as {@link #messages}. */
    static String system(JsonParser p, JsonToken t) throws IOException {
        if (t == JsonToken.VALUE_STRING || t == JsonToken.VALUE_NULL) {
            return null;
        }
        if (t != JsonToken.START_ARRAY) {
            p.skipChildren();
            return "params.system must be a string or a list of content blocks but was " + EnvelopeCodec.kind(t);
        }
        return blocks(p, "params.system");
    }

    private static String message(JsonParser p, JsonToken t, String at) throws IOException {
        if (t != JsonToken.START_OBJECT) {
            p.skipChildren();
            return at + " must be an object but was " + EnvelopeCodec.kind(t);
        }
        String problem = null;
        boolean role = false;
        boolean content = false;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken v = p.nextToken();
            String found = null;
            if (field.equals("role")) {
                role = true;
                found = role(p, v, at);
            } else if (field.equals("content")) {
                content = true;
                found = content(p, v, at);
            } else {
                p.skipChildren();
            }
            problem = problem == null ? found : problem;
        }
        if (problem == null && !role) {
            problem = at + ".role is required";
        }
        if (problem == null && !content) {
            problem = at + ".content is required";
        }
        return problem;
    }

    private static String role(JsonParser p, JsonToken v, String at) throws IOException {
        if (v == JsonToken.VALUE_STRING
                && (p.getText().equals("user") || p.getText().equals("assistant"))) {
            return null;
        }
        String was = v == JsonToken.VALUE_STRING ? Echo.quoted(p.getText()) : EnvelopeCodec.kind(v);
        p.skipChildren();
        return at + ".role must be \"user\" or \"assistant\" but was " + was;
    }

    private static String content(JsonParser p, JsonToken v, String at) throws IOException {
        if (v == JsonToken.VALUE_STRING) {
            return null;
        }
        if (v != JsonToken.START_ARRAY) {
            p.skipChildren();
            return at + ".content must be a string or a list of content blocks but was " + EnvelopeCodec.kind(v);
        }
        return blocks(p, at + ".content");
    }

    /** The parser is on a START_ARRAY of content blocks; returns on its END_ARRAY. */
    private static String blocks(JsonParser p, String at) throws IOException {
        String problem = null;
        int index = 0;
        for (JsonToken b = p.nextToken(); b != JsonToken.END_ARRAY; b = p.nextToken(), index++) {
            String found = block(p, b, at + "." + index);
            problem = problem == null ? found : problem;
        }
        return problem;
    }

    private static String block(JsonParser p, JsonToken b, String at) throws IOException {
        if (b != JsonToken.START_OBJECT) {
            p.skipChildren();
            return at + " must be a content block object but was " + EnvelopeCodec.kind(b);
        }
        boolean typed = false;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken v = p.nextToken();
            if (field.equals("type") && v == JsonToken.VALUE_STRING) {
                typed = true;
            }
            p.skipChildren();
        }
        return typed ? null : at + ".type must be a string";
    }
}
