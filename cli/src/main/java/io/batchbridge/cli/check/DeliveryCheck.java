package io.batchbridge.cli.check;

import com.fasterxml.jackson.databind.JsonNode;
import io.batchbridge.common.json.Json;
import io.batchbridge.common.kafka.CommittedReader;
import io.batchbridge.common.records.BridgeHeaders;
import io.batchbridge.common.records.Coordinates;
import io.batchbridge.common.topics.TopicNames;
import java.io.IOException;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Invariant 1 (nothing lost, nothing doubled), checked the way a user would: read the output and dead-letter
 * topics as a {@code read_committed} consumer and match every terminal record to the request it answers by its
 * origin coordinates. EVERY_REQUEST_HAS_ONE_TERMINAL_OUTCOME and NO_DUPLICATE_RESULTS in one pass.
 */
public final class DeliveryCheck {
    private DeliveryCheck() {}

    /** What the topics say about a set of published requests. */
    public record Verdict(
            int requests,
            int results,
            int deadLetters,
            int retries,
            int lost,
            int duplicates,
            int unexpected,
            int truncated,
            long inputTokens,
            long outputTokens,
            double costUsd,
            Map<String, Integer> deadLettersByReason,
            Map<String, Integer> resultsByModel) {

        public boolean clean() {
            return lost == 0 && duplicates == 0 && unexpected == 0;
        }

        /** Every request has its terminal record (duplicates may still be there). */
        public boolean complete() {
            return lost == 0;
        }
    }

    /**
     * @param published origin coordinates of every request record that was published
     * @param outputTopics the default output topic plus any reply_to topics in use
     */
    public static Verdict check(
            String bootstrap, TopicNames topics, Collection<Coordinates> published, Collection<String> outputTopics) {
        Set<Coordinates> expected = Set.copyOf(published);
        Map<Coordinates, Integer> seen = new HashMap<>();
        Map<String, Integer> byReason = new TreeMap<>();
        Map<String, Integer> byModel = new TreeMap<>();
        // Streamed, never collected: a results topic with 300k-token outputs holds 1.2 MB records.
        Tally t = new Tally();
        for (String topic : outputTopics) {
            t.results += (int) CommittedReader.forEach(bootstrap, topic, r -> {
                t.unexpected += count(seen, expected, BridgeHeaders.origin(r.headers()));
                JsonNode n = summary(r.value());
                t.in += n.path("usage").path("input_tokens").asLong();
                t.out += n.path("usage").path("output_tokens").asLong();
                t.cost += n.path("cost_usd").asDouble();
                t.truncated += n.path("truncated").asBoolean() ? 1 : 0;
                byModel.merge(n.path("model").asText("?"), 1, Integer::sum);
            });
        }
        int deadLetters = (int) CommittedReader.forEach(bootstrap, topics.dlq(), r -> {
            t.unexpected += count(seen, expected, BridgeHeaders.origin(r.headers()));
            byReason.merge(String.valueOf(BridgeHeaders.get(r.headers(), BridgeHeaders.ERROR_REASON)), 1, Integer::sum);
        });
        int retries = (int) CommittedReader.forEach(bootstrap, topics.retry(), r -> {});
        int lost = (int) expected.stream().filter(c -> !seen.containsKey(c)).count();
        int duplicates = seen.values().stream().mapToInt(v -> v - 1).sum();
        return new Verdict(
                expected.size(),
                t.results,
                deadLetters,
                retries,
                lost,
                duplicates,
                t.unexpected,
                t.truncated,
                t.in,
                t.out,
                t.cost,
                byReason,
                byModel);
    }

    /** What the streamed reads add up, filled from their callbacks. */
    private static final class Tally {
        int results;
        int truncated;
        int unexpected;
        long in;
        long out;
        double cost;
    }

    private static int count(Map<Coordinates, Integer> seen, Set<Coordinates> expected, Coordinates origin) {
        if (origin == null || !expected.contains(origin)) {
            return 1;
        }
        seen.merge(origin, 1, Integer::sum);
        return 0;
    }

    /** The result's top-level fields except {@code message}, which is skipped, not parsed into a tree. */
    static JsonNode summary(byte[] value) {
        com.fasterxml.jackson.databind.node.ObjectNode out = Json.MAPPER.createObjectNode();
        try (com.fasterxml.jackson.core.JsonParser p = Json.FACTORY.createParser(value)) {
            p.setCodec(Json.MAPPER);
            if (p.nextToken() != com.fasterxml.jackson.core.JsonToken.START_OBJECT) {
                return out;
            }
            while (p.nextToken() == com.fasterxml.jackson.core.JsonToken.FIELD_NAME) {
                String name = p.currentName();
                p.nextToken();
                if (name.equals("message")) {
                    p.skipChildren();
                } else {
                    out.set(name, p.readValueAsTree());
                }
            }
        } catch (IOException e) {
            // a value that is not a result record counts as a result without usage
        }
        return out;
    }

    /** The one-line verdict the demo and chaos runs end with. */
    public static String line(String prefix, Verdict v, List<String> extra) {
        StringBuilder b = new StringBuilder(prefix).append(':');
        b.append(" requests=")
                .append(v.requests())
                .append(" results=")
                .append(v.results())
                .append(" dead_letters=")
                .append(v.deadLetters())
                .append(" retries=")
                .append(v.retries())
                .append(" lost=")
                .append(v.lost())
                .append(" duplicates=")
                .append(v.duplicates() + v.unexpected());
        extra.forEach(e -> b.append(' ').append(e));
        return b.toString();
    }
}
