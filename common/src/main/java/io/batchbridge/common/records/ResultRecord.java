package io.batchbridge.common.records;

import com.fasterxml.jackson.core.JsonGenerator;
import io.batchbridge.common.json.Json;
import io.batchbridge.common.model.Cost;
import io.batchbridge.common.model.TokenUsage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * The value of a succeeded result on its output topic. {@code message} is the API's message object,
 * passed through as the raw bytes the results file held (never re-serialised).
 *
 * <pre>{@code
 * {"custom_id":"order-42","batch_id":"msgbatch_…","model":"claude-opus-4-6","stop_reason":"end_turn",
 *  "truncated":false,"usage":{"input_tokens":…,"output_tokens":…,"cache_creation_input_tokens":…,
 *  "cache_read_input_tokens":…},"cost_usd":0.0123,
 *  "cost":{"input_micro_usd":…,"output_micro_usd":…,"cache_write_5m_micro_usd":…,"cache_write_1h_micro_usd":…,
 *  "cache_read_micro_usd":…,"total_micro_usd":12300,"standard_micro_usd":24600,"no_cache_micro_usd":…},
 *  "attempt":1,"metadata":{…},"submitted_at":"…","ended_at":"…","delivered_at":"…","message":{…}}
 * }</pre>
 *
 * <p>{@code cost} is the exact ledger entry ({@link Cost}): integer micro-dollars by kind at batch prices, their
 * total, and the same usage at standard prices and with no caching. {@code cost_usd} (kept for older consumers) is
 * {@code total_micro_usd / 10^6} written exactly. A model the catalogue does not know has no {@code cost} and
 * {@code cost_usd} 0.
 *
 * @param cost the exact cost, or null when the model is unknown (then {@code costUsd} is used as given)
 */
public record ResultRecord(
        String customId,
        String batchId,
        String model,
        String stopReason,
        TokenUsage usage,
        double costUsd,
        int attempt,
        byte[] metadata,
        Instant submittedAt,
        Instant endedAt,
        Instant deliveredAt,
        Cost cost) {

    /** A record without an exact cost (its {@code cost_usd} as given). */
    public ResultRecord(
            String customId,
            String batchId,
            String model,
            String stopReason,
            TokenUsage usage,
            double costUsd,
            int attempt,
            byte[] metadata,
            Instant submittedAt,
            Instant endedAt,
            Instant deliveredAt) {
        this(
                customId,
                batchId,
                model,
                stopReason,
                usage,
                costUsd,
                attempt,
                metadata,
                submittedAt,
                endedAt,
                deliveredAt,
                null);
    }

    /** A record priced exactly: {@code cost_usd} follows from {@code cost}. */
    public static ResultRecord priced(
            String customId,
            String batchId,
            String model,
            String stopReason,
            TokenUsage usage,
            Cost cost,
            int attempt,
            byte[] metadata,
            Instant submittedAt,
            Instant endedAt,
            Instant deliveredAt) {
        return new ResultRecord(
                customId,
                batchId,
                model,
                stopReason,
                usage,
                cost == null ? 0 : Cost.usd(cost.totalMicros()),
                attempt,
                metadata,
                submittedAt,
                endedAt,
                deliveredAt,
                cost);
    }

    private static final byte[] MESSAGE_FIELD = ",\"message\":".getBytes(StandardCharsets.US_ASCII);

    /** {@code stop_reason} {@code max_tokens} means the output was cut at the cap. */
    public boolean truncated() {
        return "max_tokens".equals(stopReason);
    }

    private static void writeCost(JsonGenerator g, Cost c) throws IOException {
        g.writeObjectFieldStart("cost");
        g.writeNumberField("input_micro_usd", c.batch().input());
        g.writeNumberField("output_micro_usd", c.batch().output());
        g.writeNumberField("cache_write_5m_micro_usd", c.batch().cacheWrite5m());
        g.writeNumberField("cache_write_1h_micro_usd", c.batch().cacheWrite1h());
        g.writeNumberField("cache_read_micro_usd", c.batch().cacheRead());
        g.writeNumberField("total_micro_usd", c.totalMicros());
        g.writeNumberField("standard_micro_usd", c.standard().total());
        g.writeNumberField("no_cache_micro_usd", c.noCache().total());
        g.writeEndObject();
    }

    /** The record value: these fields followed by the raw {@code message} bytes. */
    public byte[] toJson(byte[] message) {
        ByteArrayOutputStream head = new ByteArrayOutputStream(512);
        try (JsonGenerator g = Json.FACTORY.createGenerator(head)) {
            g.writeStartObject();
            g.writeStringField("custom_id", customId);
            g.writeStringField("batch_id", batchId);
            g.writeStringField("model", model);
            g.writeStringField("stop_reason", stopReason);
            g.writeBooleanField("truncated", truncated());
            g.writeObjectFieldStart("usage");
            g.writeNumberField("input_tokens", usage.inputTokens());
            g.writeNumberField("output_tokens", usage.outputTokens());
            g.writeNumberField("cache_creation_input_tokens", usage.cacheWrite5mTokens() + usage.cacheWrite1hTokens());
            g.writeNumberField("cache_read_input_tokens", usage.cacheReadTokens());
            g.writeEndObject();
            if (cost == null) {
                g.writeNumberField("cost_usd", Math.round(costUsd * 1e8) / 1e8);
            } else {
                g.writeFieldName("cost_usd");
                g.writeNumber(BigDecimal.valueOf(cost.totalMicros(), 6)
                        .stripTrailingZeros()
                        .toPlainString());
                writeCost(g, cost);
            }
            g.writeNumberField("attempt", attempt);
            if (metadata != null) {
                g.writeFieldName("metadata");
                g.writeRawValue(new String(metadata, StandardCharsets.UTF_8));
            }
            g.writeStringField("submitted_at", String.valueOf(submittedAt));
            g.writeStringField("ended_at", String.valueOf(endedAt));
            g.writeStringField("delivered_at", String.valueOf(deliveredAt));
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        // Reopen the object (drop its '}') and append the raw message bytes as the last member: one copy of the
        // message, into an array of the exact size (results reach 1.2 MB; every extra copy shows in fan-out).
        byte[] h = head.toByteArray();
        int headLength = h.length - 1;
        byte[] out = new byte[headLength + MESSAGE_FIELD.length + message.length + 1];
        System.arraycopy(h, 0, out, 0, headLength);
        System.arraycopy(MESSAGE_FIELD, 0, out, headLength, MESSAGE_FIELD.length);
        System.arraycopy(message, 0, out, headLength + MESSAGE_FIELD.length, message.length);
        out[out.length - 1] = '}';
        return out;
    }
}
