package io.batchbridge.common.records;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.Set;

/**
 * The rules of {@code params} fields other than messages that no version of the API accepts, checked in the
 * streaming pass that reads {@code params}: sampling ranges, stop sequences, custom tools and the tool choice.
 * Each method is given the parser on the field's value, leaves it on the value's last token and returns the
 * problem as a sentence, or null. Server tools (a {@code type} other than {@code custom}) and new fields are left
 * to the API.
 */
final class ParamsShape {
    static final Set<String> TOOL_CHOICES = Set.of("auto", "any", "tool", "none");

    private ParamsShape() {}

    /** {@code temperature} and {@code top_p}: a number from 0 to 1. */
    static String unitInterval(JsonParser p, JsonToken t, String field) throws IOException {
        if (t == JsonToken.VALUE_NULL) {
            return null;
        }
        if (!t.isNumeric()) {
            p.skipChildren();
            return "params." + field + " must be a number but was " + EnvelopeCodec.kind(t);
        }
        double v = p.getDoubleValue();
        return v >= 0 && v <= 1 ? null : "params." + field + " must be between 0 and 1 but was " + v;
    }

    /** {@code top_k}: an integer of at least 0. */
    static String topK(JsonParser p, JsonToken t) throws IOException {
        if (t == JsonToken.VALUE_NULL) {
            return null;
        }
        if (t != JsonToken.VALUE_NUMBER_INT) {
            p.skipChildren();
            return "params.top_k must be an integer but was " + EnvelopeCodec.kind(t);
        }
        return p.getNumberType() != JsonParser.NumberType.BIG_INTEGER && p.getLongValue() >= 0
                ? null
                : "params.top_k must be at least 0";
    }

    /** {@code stop_sequences}: a list of strings. */
    static String stopSequences(JsonParser p, JsonToken t) throws IOException {
        if (t == JsonToken.VALUE_NULL) {
            return null;
        }
        if (t != JsonToken.START_ARRAY) {
            p.skipChildren();
            return "params.stop_sequences must be a list of strings but was " + EnvelopeCodec.kind(t);
        }
        String problem = null;
        for (JsonToken e = p.nextToken(); e != JsonToken.END_ARRAY; e = p.nextToken()) {
            if (e != JsonToken.VALUE_STRING && problem == null) {
                problem = "params.stop_sequences must be a list of strings but has " + EnvelopeCodec.kind(e);
            }
            p.skipChildren();
        }
        return problem;
    }

    /** {@code tools}: a list of objects; a custom tool needs a string {@code name} and an object input schema. */
    static String tools(JsonParser p, JsonToken t) throws IOException {
        if (t != JsonToken.START_ARRAY) {
            p.skipChildren();
            return t == JsonToken.VALUE_NULL ? null : "params.tools must be a list but was " + EnvelopeCodec.kind(t);
        }
        return MessagesShape.firstProblem(p, p.nextToken(), "params.tools", ParamsShape::tool);
    }

    private static String tool(JsonParser p, JsonToken t, String at) throws IOException {
        if (t != JsonToken.START_OBJECT) {
            p.skipChildren();
            return at + " must be an object but was " + EnvelopeCodec.kind(t);
        }
        String type = null;
        boolean named = false;
        boolean schema = false;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken v = p.nextToken();
            switch (field) {
                case "type" -> type = v == JsonToken.VALUE_STRING ? p.getText() : "";
                case "name" -> named = v == JsonToken.VALUE_STRING && p.getTextLength() > 0;
                case "input_schema" -> schema = v == JsonToken.START_OBJECT;
                default -> {}
            }
            p.skipChildren();
        }
        boolean custom = type == null || type.equals("custom");
        if (custom && !named) {
            return at + ".name is required (a non-empty string)";
        }
        return custom && !schema ? at + ".input_schema is required (an object)" : null;
    }

    /** {@code tool_choice}: an object whose {@code type} is auto, any, tool or none; {@code tool} names one. */
    static String toolChoice(JsonParser p, JsonToken t) throws IOException {
        if (t != JsonToken.START_OBJECT) {
            p.skipChildren();
            return t == JsonToken.VALUE_NULL
                    ? null
                    : "params.tool_choice must be an object but was " + EnvelopeCodec.kind(t);
        }
        String type = null;
        boolean named = false;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken v = p.nextToken();
            if (field.equals("type") && v == JsonToken.VALUE_STRING) {
                type = p.getText();
            } else if (field.equals("name") && v == JsonToken.VALUE_STRING) {
                named = true;
            }
            p.skipChildren();
        }
        if (type == null || !TOOL_CHOICES.contains(type)) {
            return "params.tool_choice.type must be one of auto, any, tool, none but was " + Echo.quoted(type);
        }
        return type.equals("tool") && !named ? "params.tool_choice.name is required when its type is tool" : null;
    }
}
