package io.batchbridge.common.records;

import static io.batchbridge.common.records.DeadLetterReason.INVALID_CUSTOM_ID;
import static io.batchbridge.common.records.DeadLetterReason.INVALID_FIELD;
import static io.batchbridge.common.records.DeadLetterReason.MALFORMED_JSON;
import static io.batchbridge.common.records.DeadLetterReason.MISSING_FIELD;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import io.batchbridge.common.json.Json;
import io.batchbridge.common.json.Utf8;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Reads and writes request envelopes (and retry records, which are envelopes with a few more fields).
 * Reading is one streaming pass: {@code params} is located and copied as raw bytes, never re-serialised,
 * so unknown API fields survive untouched and a 4 MB prompt costs one copy.
 */
public final class EnvelopeCodec {
    /** The Batches API's {@code custom_id} rule. */
    public static final Pattern CUSTOM_ID = Pattern.compile("^[a-zA-Z0-9_-]{1,64}$");

    private EnvelopeCodec() {}

    /** Parses one record value; every way it can be wrong becomes an {@link InvalidRecordException}. */
    public static ParsedRequest parse(byte[] value) throws InvalidRecordException {
        if (value == null || value.length == 0) {
            throw new InvalidRecordException(MALFORMED_JSON, "the record has no value; expected a JSON object", null);
        }
        int bad = Utf8.firstInvalid(value);
        if (bad >= 0) {
            throw new InvalidRecordException(MALFORMED_JSON, "the record is not valid UTF-8 (byte " + bad + ")", null);
        }
        EnvelopeReader reader = new EnvelopeReader(value);
        try (JsonParser p = Json.FACTORY.createParser(value)) {
            return reader.read(p);
        } catch (JsonProcessingException e) {
            throw new InvalidRecordException(
                    MALFORMED_JSON,
                    "the record is not valid JSON: " + Echo.of(e.getOriginalMessage()),
                    reader.checkedId());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Serialises an envelope; {@code params} and {@code metadata} are written as the raw bytes they are. */
    public static byte[] write(RequestEnvelope e) {
        ByteArrayOutputStream rest = new ByteArrayOutputStream(256);
        try (JsonGenerator g = Json.FACTORY.createGenerator(rest)) {
            g.writeStartObject();
            g.writeStringField("custom_id", e.customId());
            if (e.replyTo() != null) {
                g.writeStringField("reply_to", e.replyTo());
            }
            if (!e.betas().isEmpty()) {
                g.writeArrayFieldStart("betas");
                for (String b : e.betas()) {
                    g.writeString(b);
                }
                g.writeEndArray();
            }
            if (e.account() != null) {
                g.writeStringField("account", e.account());
            }
            if (e.attempt() > 1 || e.notBefore() != null) {
                g.writeNumberField("attempt", e.attempt());
            }
            if (e.maxAttempts() > 0) {
                g.writeNumberField("max_attempts", e.maxAttempts());
            }
            if (e.notBefore() != null) {
                g.writeStringField("not_before", e.notBefore().toString());
            }
            if (e.origin() != null) {
                g.writeObjectFieldStart("origin");
                g.writeStringField("topic", e.origin().topic());
                g.writeNumberField("partition", e.origin().partition());
                g.writeNumberField("offset", e.origin().offset());
                g.writeEndObject();
            }
            if (e.lastError() != null) {
                g.writeStringField("last_error", e.lastError());
            }
            g.writeEndObject();
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        // Splice the raw members in front: {"params":<raw>,"metadata":<raw>, + rest without its '{'.
        byte[] tail = rest.toByteArray();
        ByteArrayOutputStream out = new ByteArrayOutputStream(e.params().length + tail.length + 64);
        out.writeBytes("{\"params\":".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        out.writeBytes(e.params());
        if (e.metadata() != null) {
            out.writeBytes(",\"metadata\":".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            out.writeBytes(e.metadata());
        }
        out.write(',');
        out.write(tail, 1, tail.length - 1);
        return out.toByteArray();
    }

    /** One pass over the envelope's top level; collects fields, then checks them. */
    private static final class EnvelopeReader {
        private final byte[] value;
        String customId;
        private boolean customIdPresent;
        private JsonToken customIdToken;
        private byte[] params;
        private ParamsFacts facts;
        private String replyTo;
        private List<String> betas = List.of();
        private byte[] metadata;
        private String account;
        private int attempt = 1;
        private int maxAttempts;
        private Instant notBefore;
        private Coordinates origin;
        private String lastError;

        EnvelopeReader(byte[] value) {
            this.value = value;
        }

        /**
         * The {@code custom_id} read so far if it is a legal one, else null: a failure found before the id is
         * checked must not carry an unchecked producer value into the dead letter's key and headers.
         */
        String checkedId() {
            return customId != null && CUSTOM_ID.matcher(customId).matches() ? customId : null;
        }

        ParsedRequest read(JsonParser p) throws IOException, InvalidRecordException {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new InvalidRecordException(MALFORMED_JSON, "the record is JSON but not an object", null);
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken t = p.nextToken();
                readField(field, t, p);
            }
            if (p.nextToken() != null) {
                throw new InvalidRecordException(
                        MALFORMED_JSON, "the record has content after its JSON object", checkedId());
            }
            return validate();
        }

        private void readField(String field, JsonToken t, JsonParser p) throws IOException, InvalidRecordException {
            switch (field) {
                case "custom_id" -> {
                    customIdPresent = true;
                    customIdToken = t;
                    customId = t == JsonToken.VALUE_STRING ? p.getText() : null;
                    p.skipChildren();
                }
                case "params" -> {
                    if (t != JsonToken.START_OBJECT) {
                        p.skipChildren();
                        throw new InvalidRecordException(
                                INVALID_FIELD,
                                "params must be a JSON object (a Messages API body) but was " + kind(t),
                                checkedId());
                    }
                    int start = (int) p.currentTokenLocation().getByteOffset();
                    facts = ParamsReader.read(p, value);
                    int end = (int) p.currentLocation().getByteOffset();
                    params = Arrays.copyOfRange(value, start, end);
                }
                case "reply_to" -> replyTo = optionalString(field, t, p);
                case "account" -> account = optionalString(field, t, p);
                case "last_error" -> lastError = optionalString(field, t, p);
                case "betas" -> betas = stringList(field, t, p);
                case "metadata" -> metadata = rawObject(field, t, p);
                case "attempt" -> attempt = positiveInt(field, t, p);
                case "max_attempts" -> maxAttempts = attemptLimit(field, t, p);
                case "not_before" -> notBefore = instant(field, t, p);
                case "origin" -> origin = coordinates(t, p);
                default -> p.skipChildren(); // unknown envelope fields are ignored, like the API's SDKs do
            }
        }

        private ParsedRequest validate() throws InvalidRecordException {
            if (!customIdPresent) {
                throw new InvalidRecordException(MISSING_FIELD, "custom_id is required", null);
            }
            if (customId == null) {
                throw new InvalidRecordException(
                        INVALID_CUSTOM_ID, "custom_id must be a string but was " + kind(customIdToken), null);
            }
            if (!CUSTOM_ID.matcher(customId).matches()) {
                throw new InvalidRecordException(
                        INVALID_CUSTOM_ID,
                        "custom_id must match ^[a-zA-Z0-9_-]{1,64}$ but was " + Echo.quoted(customId, 80) + " ("
                                + customId.length() + " characters)",
                        null);
            }
            if (params == null) {
                throw new InvalidRecordException(MISSING_FIELD, "params is required", checkedId());
            }
            RequestEnvelope envelope = new RequestEnvelope(
                    customId,
                    params,
                    replyTo,
                    betas,
                    metadata,
                    account,
                    attempt,
                    notBefore,
                    origin,
                    lastError,
                    maxAttempts);
            return new ParsedRequest(envelope, facts);
        }

        private String optionalString(String field, JsonToken t, JsonParser p)
                throws IOException, InvalidRecordException {
            if (t == JsonToken.VALUE_NULL) {
                return null;
            }
            if (t != JsonToken.VALUE_STRING) {
                p.skipChildren();
                throw new InvalidRecordException(
                        INVALID_FIELD, field + " must be a string but was " + kind(t), checkedId());
            }
            return p.getText();
        }

        private List<String> stringList(String field, JsonToken t, JsonParser p)
                throws IOException, InvalidRecordException {
            if (t == JsonToken.VALUE_NULL) {
                return List.of();
            }
            if (t != JsonToken.START_ARRAY) {
                p.skipChildren();
                throw new InvalidRecordException(
                        INVALID_FIELD, field + " must be a list of strings but was " + kind(t), checkedId());
            }
            List<String> list = new ArrayList<>();
            for (JsonToken e = p.nextToken(); e != JsonToken.END_ARRAY; e = p.nextToken()) {
                if (e != JsonToken.VALUE_STRING) {
                    throw new InvalidRecordException(
                            INVALID_FIELD, field + " must be a list of strings but has " + kind(e), checkedId());
                }
                list.add(p.getText());
            }
            return list;
        }

        private byte[] rawObject(String field, JsonToken t, JsonParser p) throws IOException, InvalidRecordException {
            if (t == JsonToken.VALUE_NULL) {
                return null;
            }
            if (t != JsonToken.START_OBJECT) {
                p.skipChildren();
                throw new InvalidRecordException(
                        INVALID_FIELD, field + " must be a JSON object but was " + kind(t), checkedId());
            }
            int start = (int) p.currentTokenLocation().getByteOffset();
            p.skipChildren();
            return Arrays.copyOfRange(value, start, (int) p.currentLocation().getByteOffset());
        }

        private int positiveInt(String field, JsonToken t, JsonParser p) throws IOException, InvalidRecordException {
            if (t != JsonToken.VALUE_NUMBER_INT
                    || p.getNumberType() != JsonParser.NumberType.INT
                    || p.getIntValue() < 1) {
                p.skipChildren();
                throw new InvalidRecordException(INVALID_FIELD, field + " must be a positive integer", checkedId());
            }
            return p.getIntValue();
        }

        /** An attempt limit: an integer in [1, {@link RequestEnvelope#ATTEMPT_LIMIT_CEILING}]. */
        private int attemptLimit(String field, JsonToken t, JsonParser p) throws IOException, InvalidRecordException {
            if (t != JsonToken.VALUE_NUMBER_INT
                    || p.getNumberType() != JsonParser.NumberType.INT
                    || p.getIntValue() < 1
                    || p.getIntValue() > RequestEnvelope.ATTEMPT_LIMIT_CEILING) {
                p.skipChildren();
                throw new InvalidRecordException(
                        INVALID_FIELD,
                        field + " must be an integer from 1 to " + RequestEnvelope.ATTEMPT_LIMIT_CEILING,
                        checkedId());
            }
            return p.getIntValue();
        }

        private Instant instant(String field, JsonToken t, JsonParser p) throws IOException, InvalidRecordException {
            String s = optionalString(field, t, p);
            try {
                return s == null ? null : Instant.parse(s);
            } catch (DateTimeParseException e) {
                throw new InvalidRecordException(INVALID_FIELD, field + " must be an ISO-8601 instant", checkedId());
            }
        }

        private Coordinates coordinates(JsonToken t, JsonParser p) throws IOException, InvalidRecordException {
            if (t != JsonToken.START_OBJECT) {
                p.skipChildren();
                throw new InvalidRecordException(INVALID_FIELD, "origin must be an object", checkedId());
            }
            String topic = null;
            long partition = -1;
            long offset = -1;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String f = p.currentName();
                JsonToken v = p.nextToken();
                switch (f) {
                    case "topic" -> topic = v == JsonToken.VALUE_STRING ? p.getText() : null;
                    case "partition" -> partition = v == JsonToken.VALUE_NUMBER_INT ? p.getLongValue() : -1;
                    case "offset" -> offset = v == JsonToken.VALUE_NUMBER_INT ? p.getLongValue() : -1;
                    default -> p.skipChildren();
                }
            }
            if (topic == null || partition < 0 || partition > Integer.MAX_VALUE || offset < 0) {
                throw new InvalidRecordException(
                        INVALID_FIELD, "origin must have a topic, a partition and an offset", checkedId());
            }
            return new Coordinates(topic, (int) partition, offset);
        }
    }

    static String kind(JsonToken t) {
        if (t == null) {
            return "missing";
        }
        return switch (t) {
            case START_OBJECT -> "an object";
            case START_ARRAY -> "an array";
            case VALUE_STRING -> "a string";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
            case VALUE_TRUE, VALUE_FALSE -> "a boolean";
            case VALUE_NULL -> "null";
            default -> t.toString();
        };
    }
}
