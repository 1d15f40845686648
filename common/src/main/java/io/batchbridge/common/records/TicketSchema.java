package io.batchbridge.common.records;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The bounds a ticket must keep before anything is built from it: whoever can write the batches topic can write
 * any bytes there, and the worker sizes its state by what a ticket says. Every read here is strict (a number is
 * an integral JSON number in range, never a string or a truncated long; a name matches its pattern) and every
 * failure is an {@link IllegalArgumentException} whose message echoes the offending value through {@link Echo}.
 */
final class TicketSchema {
    /** The Message Batches API's limit of requests per batch: no ticket describes more. */
    static final int MAX_REQUESTS = 100_000;
    /** Source topics one ticket may index into ({@code s0} to {@code s999}). */
    static final int MAX_SOURCES = 1_000;

    static final int MAX_BETAS = 64;

    /** As the client checks batch ids before putting them in a URL. */
    static final Pattern BATCH_ID = Pattern.compile("[A-Za-z0-9_-]{1,128}");
    /** Account names as {@code bridge.api.accounts} allows them; empty means the default account. */
    static final Pattern ACCOUNT = Pattern.compile("[A-Za-z0-9_-]{0,64}");

    /** Betas come from requests (the lane's set): any string of a sane length; the worker only reports them. */
    static final Pattern BETA = Pattern.compile("(?s).{1,256}");
    /** A legal Kafka topic name (Kafka's own rule: 1 to 249 of these characters, not "." or ".."). */
    static final Pattern TOPIC = io.batchbridge.common.topics.TopicNames.LEGAL_NAME;
    /** Any string (a field copied from a request record, checked where it is used). */
    static final Pattern ANY = Pattern.compile("(?s).*");
    /** {@link TicketItem#batchCustomId}: source index, partition, offset. */
    static final Pattern BATCH_CUSTOM_ID =
            Pattern.compile("s(0|[1-9][0-9]{0,2})-p(0|[1-9][0-9]{0,9})-o(0|[1-9][0-9]{0,18})");

    private TicketSchema() {}

    static int intIn(JsonNode n, String field, int min, int max) {
        JsonNode v = n.get(field);
        if (v == null || !v.isIntegralNumber() || !v.canConvertToLong()) {
            throw invalid(field + " must be an integer", v);
        }
        long x = v.asLong();
        if (x < min || x > max) {
            throw new IllegalArgumentException(field + " must be in [" + min + ", " + max + "] but was " + x);
        }
        return (int) x;
    }

    static int optionalIntIn(JsonNode n, String field, int min, int max, int absent) {
        return n.has(field) ? intIn(n, field, min, max) : absent;
    }

    static String text(JsonNode n, String field, Pattern pattern) {
        JsonNode v = n.get(field);
        if (v == null || !v.isTextual() || !pattern.matcher(v.asText()).matches()) {
            throw invalid(field + " must be a string matching " + pattern.pattern(), v);
        }
        return v.asText();
    }

    static Instant instant(JsonNode n, String field) {
        JsonNode v = n.get(field);
        try {
            if (v != null && v.isTextual() && v.asText().length() <= 64) {
                return Instant.parse(v.asText());
            }
        } catch (DateTimeParseException e) {
            // reported below
        }
        throw invalid(field + " must be an ISO-8601 instant", v);
    }

    static List<String> strings(JsonNode n, String field, Pattern pattern, int min, int max) {
        JsonNode v = n.get(field);
        if (v == null || !v.isArray() || v.size() < min || v.size() > max) {
            throw invalid(field + " must be a list of " + min + " to " + max + " strings", v);
        }
        List<String> out = new ArrayList<>(v.size());
        for (JsonNode s : v) {
            if (!s.isTextual() || !pattern.matcher(s.asText()).matches()) {
                throw invalid(field + " must hold strings matching " + pattern.pattern(), s);
            }
            out.add(s.asText());
        }
        return out;
    }

    /** Checks that {@code b} names a source of this ticket and coordinates that can exist. */
    static void batchCustomId(String b, int sources) {
        var m = BATCH_CUSTOM_ID.matcher(b);
        if (!m.matches()
                || Integer.parseInt(m.group(1)) >= sources
                || Long.parseLong(m.group(2)) > Integer.MAX_VALUE
                || !fitsLong(m.group(3))) {
            throw new IllegalArgumentException("item b " + Echo.quoted(b)
                    + " is not s<source>-p<partition>-o<offset> with a source among the ticket's " + sources);
        }
    }

    private static boolean fitsLong(String digits) {
        return digits.length() < 19 || digits.compareTo(String.valueOf(Long.MAX_VALUE)) <= 0;
    }

    /** An item's origin, {@code [topic, partition, offset]}: copied from the request record, so type-checked only. */
    static Coordinates origin(JsonNode o) {
        if (!o.isArray()
                || o.size() != 3
                || !o.get(0).isTextual()
                || !o.get(1).isIntegralNumber()
                || !o.get(1).canConvertToInt()
                || !o.get(2).isIntegralNumber()
                || !o.get(2).canConvertToLong()) {
            throw invalid("item o must be [topic, partition, offset]", o);
        }
        return new Coordinates(o.get(0).asText(), o.get(1).asInt(), o.get(2).asLong());
    }

    static IllegalArgumentException invalid(String what, JsonNode value) {
        String was = value == null
                ? "absent"
                : value.isContainerNode()
                        ? "an " + value.getNodeType().name().toLowerCase(java.util.Locale.ROOT) + " of " + value.size()
                        : Echo.of(value.toString(), 64);
        return new IllegalArgumentException(what + " but was " + was);
    }
}
