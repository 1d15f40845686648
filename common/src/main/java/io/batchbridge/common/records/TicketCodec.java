package io.batchbridge.common.records;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import io.batchbridge.common.json.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** JSON form of {@link Ticket}s. Short field names in items keep a 100,000-request batch small. */
public final class TicketCodec {
    private TicketCodec() {}

    public static byte[] write(Ticket t) {
        ByteArrayOutputStream out =
                new ByteArrayOutputStream(128 + 96 * t.items().size());
        try (JsonGenerator g = Json.FACTORY.createGenerator(out)) {
            g.writeStartObject();
            // still v1 with items that share another's answer ("d"): a worker that does not know "d" ignores it and
            // dead-letters those items alone (no results line names them) while it delivers the rest; a version it
            // refuses would make it skip the whole ticket, every request of the batch with it
            g.writeNumberField("v", 1);
            g.writeStringField("batch_id", t.batchId());
            g.writeStringField("account", t.account());
            writeStrings(g, "betas", t.betas());
            g.writeStringField("created_at", t.createdAt().toString());
            g.writeStringField("expires_at", t.expiresAt().toString());
            g.writeNumberField("request_count", t.requestCount());
            g.writeNumberField("part", t.part());
            g.writeNumberField("parts", t.parts());
            writeStrings(g, "sources", t.sources());
            g.writeArrayFieldStart("items");
            for (TicketItem i : t.items()) {
                writeItem(g, i, t.sources());
            }
            g.writeEndArray();
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /**
     * The bytes one item adds to a ticket's {@code items} array, separator included: what the submitter packs
     * ticket parts by. {@code write} of a ticket is its envelope ({@code write} with no items) plus these.
     */
    public static int itemBytes(TicketItem i, List<String> sources) {
        CountingStream out = new CountingStream();
        try (JsonGenerator g = Json.FACTORY.createGenerator(out)) {
            writeItem(g, i, sources);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return (int) Math.min(Integer.MAX_VALUE, out.count + 1);
    }

    /** Counts bytes and keeps none. */
    private static final class CountingStream extends java.io.OutputStream {
        long count;

        @Override
        public void write(int b) {
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            count += len;
        }
    }

    private static void writeItem(JsonGenerator g, TicketItem i, List<String> sources) throws IOException {
        g.writeStartObject();
        g.writeStringField("b", i.batchCustomId());
        g.writeStringField("c", i.customId());
        if (i.replyTo() != null) {
            g.writeStringField("r", i.replyTo());
        }
        if (i.attempt() != 1) {
            g.writeNumberField("a", i.attempt());
        }
        if (i.maxAttempts() > 0) {
            g.writeNumberField("x", i.maxAttempts());
        }
        if (i.sharedWith() != null) {
            g.writeStringField("d", i.sharedWith());
        }
        if (i.metadata() != null) {
            g.writeFieldName("m");
            g.writeRawValue(new String(i.metadata(), StandardCharsets.UTF_8));
        }
        if (i.origin() != null && !i.origin().equals(i.source(sources))) {
            g.writeArrayFieldStart("o");
            g.writeString(i.origin().topic());
            g.writeNumber(i.origin().partition());
            g.writeNumber(i.origin().offset());
            g.writeEndArray();
        }
        g.writeEndObject();
    }

    private static void writeStrings(JsonGenerator g, String field, List<String> values) throws IOException {
        g.writeArrayFieldStart(field);
        for (String v : values) {
            g.writeString(v);
        }
        g.writeEndArray();
    }

    /**
     * Parses and checks a ticket; a record that is not a well-formed one (see {@link TicketSchema} for the bounds:
     * at most 100,000 requests, so at most as many parts; a part index in range; batch id, custom ids, source
     * topics and batch custom ids well-formed; no {@code b} twice) is an {@link IllegalArgumentException} naming
     * what is wrong, with any echoed value escaped and cut. Nothing is allocated by a number the record states.
     * An item's {@code reply_to}, attempt and origin are only type-checked: they come from the request record.
     * Its attempt limit {@code x} is the submitter's own (from its configuration, or from a retry record it
     * checked): an integer from 1 to {@link RequestEnvelope#ATTEMPT_LIMIT_CEILING}, else the ticket is invalid;
     * an item without one (written before the limit was carried) reads as 0.
     */
    public static Ticket read(byte[] value) {
        JsonNode n;
        try {
            n = Json.MAPPER.readTree(value);
        } catch (IOException e) {
            String why = e instanceof com.fasterxml.jackson.core.JsonProcessingException j
                    ? j.getOriginalMessage()
                    : e.getMessage();
            throw new IllegalArgumentException("not a ticket: " + Echo.of(why));
        }
        if (n == null
                || !n.isObject()
                || !n.hasNonNull("batch_id")
                || !n.path("items").isArray()) {
            throw new IllegalArgumentException("not a ticket: batch_id and items are required");
        }
        TicketSchema.optionalIntIn(n, "v", 1, 1, 1);
        int requestCount = TicketSchema.intIn(n, "request_count", 1, TicketSchema.MAX_REQUESTS);
        int parts = TicketSchema.optionalIntIn(n, "parts", 1, requestCount, 1);
        int part = TicketSchema.optionalIntIn(n, "part", 0, parts - 1, 0);
        List<String> sources = TicketSchema.strings(n, "sources", TicketSchema.TOPIC, 1, TicketSchema.MAX_SOURCES);
        JsonNode itemNodes = n.get("items");
        if (itemNodes.isEmpty() || itemNodes.size() > requestCount) {
            throw new IllegalArgumentException(
                    "items must hold 1 to request_count (" + requestCount + ") items but held " + itemNodes.size());
        }
        List<TicketItem> items = new ArrayList<>(itemNodes.size());
        Set<String> seen = new HashSet<>();
        for (JsonNode i : itemNodes) {
            TicketItem item = readItem(i, sources);
            if (!seen.add(item.batchCustomId())) {
                throw new IllegalArgumentException("item b " + item.batchCustomId() + " appears twice");
            }
            items.add(item);
        }
        return new Ticket(
                TicketSchema.text(n, "batch_id", TicketSchema.BATCH_ID),
                n.has("account") ? TicketSchema.text(n, "account", TicketSchema.ACCOUNT) : "",
                n.has("betas") // the lane's, from its requests: type and size only, like the items' own fields
                        ? TicketSchema.strings(n, "betas", TicketSchema.BETA, 0, TicketSchema.MAX_BETAS)
                        : List.of(),
                TicketSchema.instant(n, "created_at"),
                TicketSchema.instant(n, "expires_at"),
                requestCount,
                part,
                parts,
                sources,
                items);
    }

    private static TicketItem readItem(JsonNode i, List<String> sources) {
        if (!i.isObject()) {
            throw TicketSchema.invalid("an item must be an object", i);
        }
        String b = TicketSchema.text(i, "b", TicketSchema.BATCH_CUSTOM_ID);
        TicketSchema.batchCustomId(b, sources.size());
        String customId = TicketSchema.text(i, "c", EnvelopeCodec.CUSTOM_ID);
        // r, a and o come from fields of the request record: only their types are checked here, so that one
        // hostile request never costs the good ones in its batch; the worker dead-letters that item alone
        String replyTo = i.hasNonNull("r") ? TicketSchema.text(i, "r", TicketSchema.ANY) : null;
        int attempt = TicketSchema.optionalIntIn(i, "a", 1, Integer.MAX_VALUE, 1);
        int maxAttempts;
        try {
            maxAttempts = TicketSchema.optionalIntIn(i, "x", 1, RequestEnvelope.ATTEMPT_LIMIT_CEILING, 0);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("item x (max attempts): " + e.getMessage());
        }
        byte[] metadata = null;
        if (i.hasNonNull("m")) {
            if (!i.get("m").isObject()) {
                throw TicketSchema.invalid("item m (metadata) must be an object", i.get("m"));
            }
            try {
                metadata = Json.MAPPER.writeValueAsBytes(i.get("m"));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        String sharedWith = null;
        if (i.hasNonNull("d")) {
            sharedWith = TicketSchema.text(i, "d", TicketSchema.BATCH_CUSTOM_ID);
            TicketSchema.batchCustomId(sharedWith, sources.size());
            if (sharedWith.equals(b)) {
                throw new IllegalArgumentException("item b " + b + " shares its own answer (d)");
            }
        }
        TicketItem item = new TicketItem(b, customId, replyTo, attempt, metadata, null, maxAttempts);
        Coordinates origin = i.has("o") ? TicketSchema.origin(i.get("o")) : item.source(sources);
        return new TicketItem(b, customId, replyTo, attempt, metadata, origin, maxAttempts, sharedWith);
    }
}
