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
        int empty = -1; // the first message with empty content, and whether it is an assistant's
        boolean emptyIsAssistant = false;
        for (JsonToken e = p.nextToken(); e != JsonToken.END_ARRAY; e = p.nextToken(), index++) {
            Message m = message(p, e, "params.messages." + index);
            problem = problem == null ? m.problem() : problem;
            if (m.empty() && empty < 0) {
                empty = index;
                emptyIsAssistant = m.assistant();
            }
        }
        if (problem == null && index == 0) {
            return "params.messages must not be empty";
        }
        if (problem == null && empty >= 0 && !(empty == index - 1 && emptyIsAssistant)) {
            return "params.messages." + empty
                    + ".content must not be empty (only a final assistant message may be empty)";
        }
        return problem;
    }

    /** What one message showed: its first problem, whether its content is empty, whether it is an assistant's. */
    private record Message(String problem, boolean empty, boolean assistant) {}

    /** The parser is on the value of {@code system}; same contract as {@link #messages}. */
    static String system(JsonParser p, JsonToken t) throws IOException {
        if (t == JsonToken.VALUE_STRING || t == JsonToken.VALUE_NULL) {
            return null;
        }
        if (t != JsonToken.START_ARRAY) {
            p.skipChildren();
            return "params.system must be a string or a list of content blocks but was " + EnvelopeCodec.kind(t);
        }
        return blocks(p, "params.system", p.nextToken());
    }

    private static Message message(JsonParser p, JsonToken t, String at) throws IOException {
        if (t != JsonToken.START_OBJECT) {
            p.skipChildren();
            return new Message(at + " must be an object but was " + EnvelopeCodec.kind(t), false, false);
        }
        String problem = null;
        boolean role = false;
        boolean content = false;
        boolean assistant = false;
        boolean empty = false;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken v = p.nextToken();
            String found = null;
            if (field.equals("role")) {
                role = true;
                assistant = v == JsonToken.VALUE_STRING && p.getText().equals("assistant");
                found = role(p, v, at);
            } else if (field.equals("content")) {
                content = true;
                empty = (v == JsonToken.VALUE_STRING && p.getTextLength() == 0)
                        || (v == JsonToken.START_ARRAY && p.nextToken() == JsonToken.END_ARRAY);
                found = empty ? null : content(p, v, at, p.currentToken());
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
        return new Message(problem, empty, assistant);
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

    /**
     * @param v the content's first token
     * @param current where the parser is: on {@code v}, or (for a list) already on its first element
     */
    private static String content(JsonParser p, JsonToken v, String at, JsonToken current) throws IOException {
        if (v == JsonToken.VALUE_STRING) {
            return null;
        }
        if (v != JsonToken.START_ARRAY) {
            p.skipChildren();
            return at + ".content must be a string or a list of content blocks but was " + EnvelopeCodec.kind(v);
        }
        return blocks(p, at + ".content", current);
    }

    /** The parser is on the first element of a list of content blocks ({@code first}); returns on its END_ARRAY. */
    private static String blocks(JsonParser p, String at, JsonToken first) throws IOException {
        return firstProblem(p, first, at, MessagesShape::block);
    }

    /** Checks one element of a list: the parser is on its first token and is left on its last. */
    @FunctionalInterface
    interface Element {
        String check(JsonParser p, JsonToken first, String at) throws IOException;
    }

    /**
     * Checks every element of a list (the parser on the first element's token, {@code first}; left on the list's
     * END_ARRAY), each at {@code at.<index>}; returns the first problem, or null.
     */
    static String firstProblem(JsonParser p, JsonToken first, String at, Element element) throws IOException {
        String problem = null;
        int index = 0;
        for (JsonToken e = first; e != JsonToken.END_ARRAY; e = p.nextToken(), index++) {
            String found = element.check(p, e, at + "." + index);
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
