package io.batchbridge.client.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.batchbridge.client.MessageBatch;
import io.batchbridge.client.RequestCounts;
import java.io.IOException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

/** Reads the small JSON answers (batch objects, list pages); these are kilobytes, so a tree is fine here. */
public final class BatchJson {
    private static final ObjectMapper JSON = new ObjectMapper();

    private BatchJson() {}

    /** One page of {@code GET /v1/messages/batches}. */
    public record Page(List<MessageBatch> data, boolean hasMore, String firstId, String lastId) {}

    public static MessageBatch batch(byte[] body) throws IOException {
        return batch(JSON.readTree(body));
    }

    /** The {@code input_tokens} of a count_tokens answer. */
    public static Long inputTokens(byte[] body) throws IOException {
        JsonNode n = JSON.readTree(body).get("input_tokens");
        if (n == null || !n.canConvertToLong() || n.asLong() < 0) {
            throw new IOException("count_tokens answer without a non-negative input_tokens");
        }
        return n.asLong();
    }

    public static Page page(byte[] body) throws IOException {
        JsonNode root = JSON.readTree(body);
        List<MessageBatch> data = new ArrayList<>();
        for (JsonNode n : root.path("data")) {
            data.add(batch(n));
        }
        return new Page(data, root.path("has_more").asBoolean(false), text(root, "first_id"), text(root, "last_id"));
    }

    static MessageBatch batch(JsonNode n) throws IOException {
        String id = text(n, "id");
        if (id == null) {
            throw new IOException("batch object without id");
        }
        JsonNode c = n.path("request_counts");
        RequestCounts counts = new RequestCounts(
                c.path("processing").asLong(0),
                c.path("succeeded").asLong(0),
                c.path("errored").asLong(0),
                c.path("canceled").asLong(0),
                c.path("expired").asLong(0));
        return new MessageBatch(
                id,
                text(n, "processing_status"),
                counts,
                time(n, "created_at"),
                time(n, "expires_at"),
                time(n, "ended_at"),
                time(n, "cancel_initiated_at"),
                time(n, "archived_at"),
                text(n, "results_url"));
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    private static Instant time(JsonNode n, String field) throws IOException {
        String v = text(n, field);
        if (v == null) {
            return null;
        }
        try {
            return OffsetDateTime.parse(v).toInstant();
        } catch (java.time.format.DateTimeParseException e) {
            throw new IOException(field + " is not an RFC 3339 timestamp: " + v, e);
        }
    }
}
