package io.batchbridge.submitter.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.batchbridge.common.json.Json;
import io.batchbridge.common.records.Coordinates;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What a submitter is about to create, written durably before the create call: the lane, the requests (by
 * coordinates, offsets as ranges), their sources list (which fixes the batch {@code custom_id}s), the request count
 * and the time. An intent still open when nobody is creating it anymore names a batch that may exist at the API
 * without a ticket.
 *
 * @param at the submitter's clock just before the create call (the API's {@code created_at} follows it)
 */
public record Intent(
        String id,
        String instance,
        LaneKey lane,
        Instant at,
        int requestCount,
        List<String> sources,
        Set<Coordinates> requests) {

    public Intent {
        sources = List.copyOf(sources);
        requests = Set.copyOf(requests);
    }

    public byte[] toJson() {
        ObjectNode n = Json.MAPPER.createObjectNode();
        n.put("v", 1);
        n.put("id", id);
        n.put("instance", instance);
        n.put("account", lane.account());
        ArrayNode betas = n.putArray("betas");
        lane.betas().forEach(betas::add);
        n.put("tenant", lane.tenant());
        n.put("at", at.toString());
        n.put("request_count", requestCount);
        ArrayNode src = n.putArray("sources");
        sources.forEach(src::add);
        // topic → partition → sorted offsets, written as inclusive ranges
        TreeMap<String, TreeMap<Integer, TreeSet<Long>>> byTp = new TreeMap<>();
        for (Coordinates c : requests) {
            byTp.computeIfAbsent(c.topic(), t -> new TreeMap<>())
                    .computeIfAbsent(c.partition(), p -> new TreeSet<>())
                    .add(c.offset());
        }
        ArrayNode reqs = n.putArray("requests");
        byTp.forEach((topic, partitions) -> partitions.forEach((partition, offsets) -> {
            ObjectNode r = reqs.addObject();
            r.put("topic", topic);
            r.put("partition", partition);
            ArrayNode ranges = r.putArray("offsets");
            long from = -1;
            long to = -1;
            for (long o : offsets) {
                if (from >= 0 && o == to + 1) {
                    to = o;
                    continue;
                }
                if (from >= 0) {
                    ranges.addArray().add(from).add(to);
                }
                from = o;
                to = o;
            }
            ranges.addArray().add(from).add(to);
        }));
        return n.toString().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Reads an intent written by {@link #toJson}.
     *
     * @throws IllegalArgumentException when the bytes are not an intent
     */
    public static Intent fromJson(byte[] value) {
        try {
            JsonNode n = Json.MAPPER.readTree(value);
            if (n == null || n.path("v").asInt() != 1) {
                throw new IllegalArgumentException("not an intent of format 1");
            }
            SortedSet<String> betas = new TreeSet<>();
            n.path("betas").forEach(b -> betas.add(b.asText()));
            List<String> sources = new ArrayList<>();
            n.path("sources").forEach(s -> sources.add(s.asText()));
            Set<Coordinates> requests = new HashSet<>();
            for (JsonNode r : n.path("requests")) {
                String topic = text(r, "topic");
                int partition = r.path("partition").asInt();
                for (JsonNode range : r.path("offsets")) {
                    long from = range.path(0).asLong(-1);
                    long to = range.path(1).asLong(-1);
                    if (from < 0 || to < from || to - from > 1_000_000) {
                        throw new IllegalArgumentException("bad offset range " + range);
                    }
                    for (long o = from; o <= to; o++) {
                        requests.add(new Coordinates(topic, partition, o));
                    }
                }
            }
            return new Intent(
                    text(n, "id"),
                    text(n, "instance"),
                    new LaneKey(
                            text(n, "account"),
                            betas,
                            n.path("tenant").isTextual() ? n.path("tenant").asText() : null),
                    Instant.parse(text(n, "at")),
                    n.path("request_count").asInt(),
                    sources,
                    requests);
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("unreadable intent: " + e.getMessage(), e);
        }
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || !v.isTextual()) {
            throw new IllegalArgumentException("field " + field + " missing");
        }
        return v.asText();
    }
}
