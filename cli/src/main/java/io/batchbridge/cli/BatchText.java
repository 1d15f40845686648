package io.batchbridge.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import io.batchbridge.client.MessageBatch;
import io.batchbridge.client.RequestCounts;
import io.batchbridge.client.ResultLine;
import io.batchbridge.client.Usage;
import io.batchbridge.common.json.Json;
import io.batchbridge.common.records.Echo;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/** How {@code bridge batches} prints batches and result lines; no control character from the API reaches the terminal. */
final class BatchText {
    private BatchText() {}

    /** One line: id, status, counts, created. */
    static String row(MessageBatch b) {
        return String.format(
                Locale.ROOT,
                "%-40s %-12s %s created %s",
                Echo.of(b.id()),
                Echo.of(b.processingStatus()),
                counts(b),
                b.createdAt());
    }

    static String detail(MessageBatch b) {
        StringBuilder s = new StringBuilder();
        s.append("id:                 ").append(Echo.of(b.id())).append('\n');
        s.append("processing_status:  ").append(Echo.of(b.processingStatus())).append('\n');
        s.append("request_counts:     ").append(counts(b)).append('\n');
        s.append("created_at:         ").append(b.createdAt()).append('\n');
        s.append("expires_at:         ").append(b.expiresAt()).append('\n');
        s.append("ended_at:           ").append(b.endedAt()).append('\n');
        s.append("cancel_initiated_at:")
                .append(' ')
                .append(b.cancelInitiatedAt())
                .append('\n');
        s.append("archived_at:        ").append(b.archivedAt()).append('\n');
        s.append("results_url:        ").append(Echo.of(b.resultsUrl())).append('\n');
        return s.toString();
    }

    private static String counts(MessageBatch b) {
        RequestCounts c = b.requestCounts() == null ? RequestCounts.ZERO : b.requestCounts();
        return "processing=" + c.processing() + " succeeded=" + c.succeeded() + " errored=" + c.errored() + " canceled="
                + c.canceled() + " expired=" + c.expired();
    }

    /** {@code {"custom_id","type","stop_reason","usage":{…}}}, errored lines add the error; {@code full} the message. */
    static String resultJson(ResultLine line, boolean full) {
        StringWriter w = new StringWriter();
        try (JsonGenerator g = Json.FACTORY.createGenerator(w)) {
            g.writeStartObject();
            g.writeStringField("custom_id", line.customId());
            g.writeStringField("type", line.type().name().toLowerCase(Locale.ROOT));
            g.writeStringField("stop_reason", line.stopReason());
            if (line.errorType() != null) {
                g.writeStringField("error_type", line.errorType());
                g.writeStringField("error_message", line.errorMessage());
            }
            Usage u = line.usage() == null ? Usage.ZERO : line.usage();
            g.writeObjectFieldStart("usage");
            g.writeNumberField("input_tokens", u.inputTokens());
            g.writeNumberField("output_tokens", u.outputTokens());
            g.writeNumberField("cache_creation_input_tokens", u.cacheCreationInputTokens());
            g.writeNumberField("cache_read_input_tokens", u.cacheReadInputTokens());
            g.writeEndObject();
            if (full && line.message() != null) {
                g.writeFieldName("message");
                g.writeRawValue(new String(line.message(), StandardCharsets.UTF_8));
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return JsonLine.of(w.toString());
    }
}
