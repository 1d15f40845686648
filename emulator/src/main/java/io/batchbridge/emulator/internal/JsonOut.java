package io.batchbridge.emulator.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.List;

/** Small JSON bodies: the batch object, pages, the deleted marker and the error envelope. */
public final class JsonOut {
    private static final JsonFactory FACTORY = new JsonFactory();

    private JsonOut() {}

    @FunctionalInterface
    interface Body {
        void write(JsonGenerator g) throws IOException;
    }

    static byte[] render(Body body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(512);
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            body.write(g);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** The batch object with all ten fields. */
    public static byte[] batch(BatchView v, String baseUrl) {
        return render(g -> writeBatch(g, v, baseUrl));
    }

    /** A list page. */
    public static byte[] page(List<BatchView> views, boolean hasMore, String baseUrl) {
        return render(g -> {
            g.writeStartObject();
            g.writeArrayFieldStart("data");
            for (BatchView v : views) {
                writeBatch(g, v, baseUrl);
            }
            g.writeEndArray();
            g.writeBooleanField("has_more", hasMore);
            g.writeFieldName("first_id");
            writeNullable(g, views.isEmpty() ? null : views.get(0).id());
            g.writeFieldName("last_id");
            writeNullable(
                    g, views.isEmpty() ? null : views.get(views.size() - 1).id());
            g.writeEndObject();
        });
    }

    public static byte[] deleted(String id) {
        return render(g -> {
            g.writeStartObject();
            g.writeStringField("id", id);
            g.writeStringField("type", "message_batch_deleted");
            g.writeEndObject();
        });
    }

    /** The error envelope {@code {"type":"error","error":{type,message},"request_id":…}}. */
    public static byte[] error(String type, String message, String requestId) {
        return render(g -> {
            g.writeStartObject();
            g.writeStringField("type", "error");
            g.writeObjectFieldStart("error");
            g.writeStringField("type", type);
            g.writeStringField("message", message);
            g.writeEndObject();
            g.writeFieldName("request_id");
            writeNullable(g, requestId);
            g.writeEndObject();
        });
    }

    static void writeBatch(JsonGenerator g, BatchView v, String baseUrl) throws IOException {
        g.writeStartObject();
        g.writeStringField("id", v.id());
        g.writeStringField("type", "message_batch");
        g.writeStringField("processing_status", v.status());
        g.writeObjectFieldStart("request_counts");
        g.writeNumberField("processing", v.processing());
        g.writeNumberField("succeeded", v.succeeded());
        g.writeNumberField("errored", v.errored());
        g.writeNumberField("canceled", v.canceled());
        g.writeNumberField("expired", v.expired());
        g.writeEndObject();
        g.writeFieldName("ended_at");
        writeTime(g, v.endedAt());
        g.writeFieldName("created_at");
        writeTime(g, v.createdAt());
        g.writeFieldName("expires_at");
        writeTime(g, v.expiresAt());
        g.writeFieldName("archived_at");
        writeTime(g, v.archivedAt());
        g.writeFieldName("cancel_initiated_at");
        writeTime(g, v.cancelInitiatedAt());
        g.writeFieldName("results_url");
        writeNullable(g, v.ended() ? baseUrl + "/v1/messages/batches/" + v.id() + "/results" : null);
        g.writeEndObject();
    }

    private static void writeTime(JsonGenerator g, Instant t) throws IOException {
        writeNullable(g, t == null ? null : Timestamps.format(t));
    }

    private static void writeNullable(JsonGenerator g, String s) throws IOException {
        if (s == null) {
            g.writeNull();
        } else {
            g.writeString(s);
        }
    }
}
