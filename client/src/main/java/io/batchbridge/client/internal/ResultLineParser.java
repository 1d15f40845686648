package io.batchbridge.client.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.batchbridge.client.ResultLine;
import io.batchbridge.client.ResultType;
import io.batchbridge.client.Usage;
import java.io.IOException;
import java.util.Arrays;

/**
 * Parses one results line with Jackson's streaming parser, as far as routing needs: {@code custom_id},
 * {@code result.type}, the errored type and message, and from the message only {@code model},
 * {@code stop_reason} and {@code usage}. The message itself is located by its byte range and copied
 * verbatim; its content is skipped token by token, never materialised as strings or a tree.
 */
public final class ResultLineParser {
    private static final JsonFactory JSON = new JsonFactory();

    /** Parses {@code buf[off, off+len)}; throws {@link IOException} on malformed JSON or a missing custom_id. */
    public ResultLine parse(byte[] buf, int off, int len) throws IOException {
        State st = new State();
        try (JsonParser p = JSON.createParser(buf, off, len)) {
            expect(p, p.nextToken(), JsonToken.START_OBJECT, "a results line must be a JSON object");
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                if ("custom_id".equals(field)) {
                    st.customId = value == JsonToken.VALUE_STRING ? p.getText() : null;
                } else if ("result".equals(field) && value == JsonToken.START_OBJECT) {
                    result(p, st, buf, off);
                } else {
                    p.skipChildren();
                }
            }
        }
        if (st.customId == null) {
            throw new IOException("a results line has no custom_id");
        }
        ResultType type = ResultType.fromWire(st.type);
        Usage usage = st.usage == null ? Usage.ZERO : st.usage.toUsage();
        return new ResultLine(
                st.customId, type, st.errorType, st.errorMessage, st.model, st.stopReason, usage, st.message);
    }

    private static void result(JsonParser p, State st, byte[] buf, int off) throws IOException {
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken value = p.nextToken();
            switch (field) {
                case "type" -> st.type = textOrNull(p, value);
                case "message" -> message(p, value, st, buf, off);
                case "error" -> error(p, value, st);
                default -> p.skipChildren();
            }
        }
    }

    private static void message(JsonParser p, JsonToken value, State st, byte[] buf, int off) throws IOException {
        if (value != JsonToken.START_OBJECT) {
            p.skipChildren();
            return;
        }
        int from = off + (int) p.currentTokenLocation().getByteOffset();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken v = p.nextToken();
            switch (field) {
                case "model" -> st.model = textOrNull(p, v);
                case "stop_reason" -> st.stopReason = textOrNull(p, v);
                case "usage" -> st.usage = v == JsonToken.START_OBJECT ? usage(p) : null;
                default -> p.skipChildren();
            }
        }
        int to = off + (int) p.currentTokenLocation().getByteOffset() + 1;
        st.message = Arrays.copyOfRange(buf, from, to);
    }

    private static void error(JsonParser p, JsonToken value, State st) throws IOException {
        if (value != JsonToken.START_OBJECT) {
            p.skipChildren();
            return;
        }
        String outerType = null;
        String outerMessage = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken v = p.nextToken();
            if ("error".equals(field) && v == JsonToken.START_OBJECT) {
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String inner = p.currentName();
                    JsonToken iv = p.nextToken();
                    if ("type".equals(inner)) {
                        st.errorType = textOrNull(p, iv);
                    } else if ("message".equals(inner)) {
                        st.errorMessage = textOrNull(p, iv);
                    } else {
                        p.skipChildren();
                    }
                }
            } else if ("type".equals(field)) {
                outerType = textOrNull(p, v);
            } else if ("message".equals(field)) {
                outerMessage = textOrNull(p, v);
            } else {
                p.skipChildren();
            }
        }
        // Flat shape {"type":"overloaded_error","message":…}: tolerated, the envelope type "error" is not a reason.
        if (st.errorType == null && outerType != null && !"error".equals(outerType)) {
            st.errorType = outerType;
        }
        if (st.errorMessage == null) {
            st.errorMessage = outerMessage;
        }
    }

    private static UsageAcc usage(JsonParser p) throws IOException {
        UsageAcc u = new UsageAcc();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken v = p.nextToken();
            switch (field) {
                case "input_tokens" -> u.input = number(p, v);
                case "output_tokens" -> u.output = number(p, v);
                case "cache_creation_input_tokens" -> u.cacheCreation = number(p, v);
                case "cache_read_input_tokens" -> u.cacheRead = number(p, v);
                case "cache_creation" -> cacheCreation(p, v, u);
                default -> p.skipChildren();
            }
        }
        return u;
    }

    private static void cacheCreation(JsonParser p, JsonToken v, UsageAcc u) throws IOException {
        if (v != JsonToken.START_OBJECT) {
            p.skipChildren();
            return;
        }
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken t = p.nextToken();
            switch (field) {
                case "ephemeral_5m_input_tokens" -> u.cache5m = number(p, t);
                case "ephemeral_1h_input_tokens" -> u.cache1h = number(p, t);
                default -> p.skipChildren();
            }
        }
    }

    private static long number(JsonParser p, JsonToken t) throws IOException {
        if (t == JsonToken.VALUE_NUMBER_INT) {
            return p.getLongValue();
        }
        p.skipChildren();
        return 0;
    }

    private static String textOrNull(JsonParser p, JsonToken t) throws IOException {
        if (t == JsonToken.VALUE_STRING) {
            return p.getText();
        }
        p.skipChildren();
        return null;
    }

    private static void expect(JsonParser p, JsonToken actual, JsonToken wanted, String message) throws IOException {
        if (actual != wanted) {
            throw new com.fasterxml.jackson.core.JsonParseException(p, message);
        }
    }

    private static final class State {
        String customId;
        String type;
        String errorType;
        String errorMessage;
        String model;
        String stopReason;
        UsageAcc usage;
        byte[] message;
    }

    private static final class UsageAcc {
        long input;
        long output;
        long cacheCreation;
        long cacheRead;
        long cache5m;
        long cache1h;

        Usage toUsage() {
            return new Usage(input, output, cacheCreation, cache5m, cache1h, cacheRead);
        }
    }
}
