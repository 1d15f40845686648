package io.batchbridge.cli;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.batchbridge.common.json.Json;
import io.batchbridge.common.records.BridgeHeaders;
import io.batchbridge.common.records.Echo;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * One line of text for a record on a results or dead-letter topic: coordinates, key, the headers that matter
 * (reason for dead letters; stop_reason, truncated and cost for results) and a short summary of the value.
 * User content never appears beyond {@link #PREFIX_CHARS} characters of the value, and every value taken from
 * the record is escaped ({@link Echo}): one record is one line, with no control character in it.
 */
final class RecordText {
    static final int PREFIX_CHARS = 60;
    /** A result's value puts every routing field before {@code message}; the scan stops there. */
    private static final int MAX_TOKENS_SCANNED = 200;

    private RecordText() {}

    static String line(ConsumerRecord<byte[], byte[]> r) {
        StringBuilder b = new StringBuilder();
        b.append(r.topic()).append('-').append(r.partition()).append('@').append(r.offset());
        b.append(" key=").append(r.key() == null ? "null" : Echo.of(new String(r.key(), StandardCharsets.UTF_8)));
        String reason = BridgeHeaders.get(r.headers(), BridgeHeaders.ERROR_REASON);
        if (reason != null) {
            b.append(" reason=").append(Echo.of(reason));
            appendHeader(b, r, BridgeHeaders.ATTEMPT, "attempt");
        } else {
            appendHeader(b, r, BridgeHeaders.RESULT_TYPE, "type");
            appendHeader(b, r, BridgeHeaders.STOP_REASON, "stop_reason");
            appendHeader(b, r, BridgeHeaders.TRUNCATED, "truncated");
            Map<String, String> fields = topLevelScalars(r.value());
            if (fields.containsKey("cost_usd")) {
                b.append(" cost_usd=").append(Echo.of(fields.get("cost_usd")));
            }
            if (fields.containsKey("model")) {
                b.append(" model=").append(Echo.of(fields.get("model")));
            }
        }
        b.append(" | ").append(summary(r.value()));
        return b.toString();
    }

    /** Size plus a short prefix of the value with control characters (line breaks, escapes) escaped. */
    static String summary(byte[] value) {
        if (value == null) {
            return "null";
        }
        String head = new String(value, 0, Math.min(value.length, PREFIX_CHARS * 4), StandardCharsets.UTF_8);
        if (head.length() > PREFIX_CHARS) {
            head = head.substring(0, PREFIX_CHARS) + "…";
        } else if (value.length > PREFIX_CHARS * 4) {
            head = head + "…";
        }
        return value.length + " B " + Echo.escape(head);
    }

    private static void appendHeader(StringBuilder b, ConsumerRecord<byte[], byte[]> r, String header, String label) {
        String v = BridgeHeaders.get(r.headers(), header);
        if (v != null) {
            b.append(' ').append(label).append('=').append(Echo.of(v));
        }
    }

    /** Top-level scalar fields of a JSON object, read up to {@code message}; empty if not JSON. */
    static Map<String, String> topLevelScalars(byte[] value) {
        Map<String, String> out = new LinkedHashMap<>();
        if (value == null) {
            return out;
        }
        try (JsonParser p = Json.FACTORY.createParser(value)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return out;
            }
            for (int i = 0; i < MAX_TOKENS_SCANNED && p.nextToken() == JsonToken.FIELD_NAME; i++) {
                String name = p.currentName();
                if (name.equals("message") || name.equals("params")) {
                    break;
                }
                JsonToken t = p.nextToken();
                if (t.isScalarValue()) {
                    out.put(name, p.getText());
                } else {
                    p.skipChildren();
                }
            }
        } catch (IOException e) {
            // not JSON (or cut short): the prefix summary still says what it is
        }
        return out;
    }
}
