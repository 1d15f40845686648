package io.batchbridge.common.records;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import io.batchbridge.common.json.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** JSON form of {@link Ticket}s. Short field names in items keep a 100,000-request batch small. */
public final class TicketCodec {
    private TicketCodec() {}

    public static byte[] write(Ticket t) {
        ByteArrayOutputStream out =
                new ByteArrayOutputStream(128 + 96 * t.items().size());
        try (JsonGenerator g = Json.FACTORY.createGenerator(out)) {
            g.writeStartObject();
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

    /** Parses a ticket; a record that is not one is an {@link IllegalArgumentException} naming what is wrong. */
    public static Ticket read(byte[] value) {
        JsonNode n;
        try {
            n = Json.MAPPER.readTree(value);
        } catch (IOException e) {
            throw new IllegalArgumentException("not a ticket: " + e.getMessage(), e);
        }
        if (n == null || !n.hasNonNull("batch_id") || !n.path("items").isArray()) {
            throw new IllegalArgumentException("not a ticket: batch_id and items are required");
        }
        List<String> sources = strings(n.path("sources"));
        List<TicketItem> items = new ArrayList<>(n.path("items").size());
        for (JsonNode i : n.path("items")) {
            items.add(readItem(i, sources));
        }
        return new Ticket(
                n.path("batch_id").asText(),
                n.path("account").asText(),
                strings(n.path("betas")),
                Instant.parse(n.path("created_at").asText()),
                Instant.parse(n.path("expires_at").asText()),
                n.path("request_count").asInt(),
                n.path("part").asInt(),
                n.path("parts").asInt(1),
                sources,
                items);
    }

    private static TicketItem readItem(JsonNode i, List<String> sources) {
        byte[] metadata = null;
        if (i.has("m") && !i.get("m").isNull()) {
            try {
                metadata = Json.MAPPER.writeValueAsBytes(i.get("m"));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        TicketItem item = new TicketItem(
                i.path("b").asText(),
                i.path("c").asText(),
                i.path("r").asText(null),
                i.path("a").asInt(1),
                metadata,
                null);
        JsonNode o = i.path("o");
        Coordinates origin = o.isArray()
                ? new Coordinates(o.get(0).asText(), o.get(1).asInt(), o.get(2).asLong())
                : item.source(sources);
        return new TicketItem(item.batchCustomId(), item.customId(), item.replyTo(), item.attempt(), metadata, origin);
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(s -> out.add(s.asText()));
        return out;
    }
}
