package io.batchbridge.emulator.internal;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * The validation messages the API's (pydantic) schema gives, and the streaming helpers that read a value while
 * checking it. Every helper leaves the parser on the last token of the value it was given, as
 * {@link JsonParser#skipChildren()} does, so the caller's loop goes on with the next field.
 */
final class JsonRules {
    private JsonRules() {}

    static String extra(String at) {
        return at + ": Extra inputs are not permitted";
    }

    static String required(String at) {
        return at + ": Field required";
    }

    static String noTag(String at) {
        return at + ": Unable to extract tag using discriminator 'type'";
    }

    static String unknownTag(String at, String tag, List<String> expected) {
        return at + ": Input tag '" + tag + "' found using 'type' does not match any of the expected tags: "
                + expected.stream().map(t -> "'" + t + "'").collect(Collectors.joining(", "));
    }

    /** A string value, or null after reporting {@code at} as not a string (the value is skipped). */
    static String string(JsonParser p, JsonToken v, String at, Consumer<String> fail) throws IOException {
        if (v == JsonToken.VALUE_STRING) {
            return p.getText();
        }
        p.skipChildren();
        fail.accept(at + ": Input should be a valid string");
        return null;
    }

    /** The current integer, saturated at {@link Long#MAX_VALUE}. */
    static long longValue(JsonParser p) throws IOException {
        return p.getNumberType() == JsonParser.NumberType.BIG_INTEGER ? Long.MAX_VALUE : p.getLongValue();
    }

    /** Checks a number lies within [min, max]; reports type or range problems of {@code at}. */
    static void range(
            JsonParser p, JsonToken v, String at, double min, double max, boolean integer, Consumer<String> fail)
            throws IOException {
        boolean number = integer ? v == JsonToken.VALUE_NUMBER_INT : v.isNumeric();
        if (!number) {
            p.skipChildren();
            fail.accept(at + ": Input should be a valid " + (integer ? "integer" : "number"));
            return;
        }
        double d = p.getDoubleValue();
        if (d < min) {
            fail.accept(at + ": Input should be greater than or equal to " + format(min));
        } else if (d > max) {
            fail.accept(at + ": Input should be less than or equal to " + format(max));
        }
    }

    private static String format(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }

    /** Whether the value is an array; reports {@code at} and skips it otherwise. */
    static boolean list(JsonParser p, JsonToken v, String at, Consumer<String> fail) throws IOException {
        if (v == JsonToken.START_ARRAY) {
            return true;
        }
        p.skipChildren();
        fail.accept(at + ": Input should be a valid list");
        return false;
    }

    /** Whether the current array element is an object; reports {@code at} and skips it otherwise. */
    static boolean object(JsonParser p, String at, Consumer<String> fail) throws IOException {
        if (p.currentToken() == JsonToken.START_OBJECT) {
            return true;
        }
        p.skipChildren();
        fail.accept(at + ": Input should be a valid dictionary or object to extract fields from");
        return false;
    }
}
