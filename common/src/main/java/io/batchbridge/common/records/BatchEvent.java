package io.batchbridge.common.records;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.batchbridge.common.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A lifecycle event on the batch-events topic, keyed by batch id: {@code submitted}, {@code progress},
 * {@code ended}, {@code fanned_out}. Counts are the API's request counts (or, for {@code fanned_out},
 * the records delivered per outcome); {@code extra} holds timings such as {@code create_latency_ms}.
 */
public record BatchEvent(
        Type type,
        String batchId,
        String account,
        List<String> betas,
        int requestCount,
        Map<String, Long> counts,
        Instant at,
        Map<String, Long> extra) {

    public enum Type {
        SUBMITTED,
        PROGRESS,
        ENDED,
        FANNED_OUT;

        public String code() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public BatchEvent {
        betas = List.copyOf(betas);
        counts = Map.copyOf(counts);
        extra = Map.copyOf(extra);
    }

    public byte[] toJson() {
        ObjectNode n = Json.MAPPER.createObjectNode();
        n.put("type", type.code());
        n.put("batch_id", batchId);
        n.put("account", account);
        betas.forEach(n.putArray("betas")::add);
        if (betas.isEmpty()) {
            n.putArray("betas");
        }
        n.put("request_count", requestCount);
        ObjectNode c = n.putObject("counts");
        new java.util.TreeMap<>(counts).forEach(c::put);
        n.put("at", at.toString());
        new java.util.TreeMap<>(extra).forEach(n::put);
        try {
            return Json.MAPPER.writeValueAsBytes(n);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static BatchEvent fromJson(byte[] value) {
        try {
            JsonNode n = Json.MAPPER.readTree(value);
            Map<String, Long> counts = new LinkedHashMap<>();
            n.path("counts")
                    .fields()
                    .forEachRemaining(e -> counts.put(e.getKey(), e.getValue().asLong()));
            Map<String, Long> extra = new LinkedHashMap<>();
            n.fields().forEachRemaining(e -> {
                if (e.getValue().isNumber() && !e.getKey().equals("request_count")) {
                    extra.put(e.getKey(), e.getValue().asLong());
                }
            });
            List<String> betas = new java.util.ArrayList<>();
            n.path("betas").forEach(b -> betas.add(b.asText()));
            return new BatchEvent(
                    Type.valueOf(n.path("type").asText().toUpperCase(java.util.Locale.ROOT)),
                    n.path("batch_id").asText(),
                    n.path("account").asText(),
                    betas,
                    n.path("request_count").asInt(),
                    counts,
                    Instant.parse(n.path("at").asText()),
                    extra);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
