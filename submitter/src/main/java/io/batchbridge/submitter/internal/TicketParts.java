package io.batchbridge.submitter.internal;

import io.batchbridge.common.records.Coordinates;
import io.batchbridge.common.records.RecordSize;
import io.batchbridge.common.records.RequestEnvelope;
import io.batchbridge.common.records.Ticket;
import io.batchbridge.common.records.TicketCodec;
import io.batchbridge.common.records.TicketItem;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Splits a batch's ticket into records that fit the batches topic: at most {@code maxItems} items and at most
 * {@code maxBytes} bytes ({@link RecordSize}) each. An item too large for a ticket record on its own is found
 * before the batch is created ({@link #fits}), so a created batch always gets its ticket.
 */
public final class TicketParts {
    /** Room kept for the batch id, unknown before the create (the API's ids are about 30 characters). */
    static final int BATCH_ID_RESERVE = 128;

    private static final Instant SOME_INSTANT = Instant.parse("2026-01-01T00:00:00.123456789Z");

    private final String topic;
    private final int maxItems;
    private final int maxBytes;

    public TicketParts(String topic, int maxItems, int maxBytes) {
        this.topic = topic;
        this.maxItems = maxItems;
        this.maxBytes = maxBytes;
    }

    public int maxBytes() {
        return maxBytes;
    }

    /** The ticket item of a lane item, given the batch's source topics. */
    static TicketItem item(LaneItem i, List<String> sources) {
        RequestEnvelope e = i.request().envelope();
        Coordinates origin = e.origin() != null ? e.origin() : i.source();
        int source = sources.indexOf(i.source().topic());
        if (source < 0) {
            throw new IllegalStateException(
                    "the batch's sources lack " + i.source().topic());
        }
        return new TicketItem(
                TicketItem.batchCustomId(
                        source, i.source().partition(), i.source().offset()),
                e.customId(),
                e.replyTo(),
                e.attempt(),
                e.metadata(),
                origin,
                e.maxAttempts());
    }

    /** Whether an item of {@code itemBytes} ({@link TicketCodec#itemBytes}) fits a ticket record on its own. */
    public boolean fits(int itemBytes, String account, List<String> betas, List<String> sources) {
        String batchId = "x".repeat(BATCH_ID_RESERVE);
        return itemBytes <= budget(batchId, account, betas, sources, Integer.MAX_VALUE);
    }

    /** The ticket records of {@code whole} (one ticket holding every item; its part fields are ignored). */
    public List<ProducerRecord<byte[], byte[]>> records(Ticket whole) {
        List<TicketItem> items = whole.items();
        int budget = budget(whole.batchId(), whole.account(), whole.betas(), whole.sources(), whole.requestCount());
        List<Integer> cuts = new ArrayList<>();
        int bytes = 0;
        int count = 0;
        for (int k = 0; k < items.size(); k++) {
            int size = TicketCodec.itemBytes(items.get(k), whole.sources());
            if (size > budget) {
                throw new IllegalStateException("ticket item " + items.get(k).batchCustomId() + " of batch "
                        + whole.batchId() + " is " + size + " bytes; a ticket record holds " + budget);
            }
            if (count == maxItems || bytes + size > budget) {
                cuts.add(k);
                bytes = 0;
                count = 0;
            }
            bytes += size;
            count++;
        }
        cuts.add(items.size());
        byte[] key = whole.batchId().getBytes(StandardCharsets.UTF_8);
        List<ProducerRecord<byte[], byte[]>> out = new ArrayList<>(cuts.size());
        int from = 0;
        for (int p = 0; p < cuts.size(); p++) {
            Ticket t = new Ticket(
                    whole.batchId(),
                    whole.account(),
                    whole.betas(),
                    whole.createdAt(),
                    whole.expiresAt(),
                    whole.requestCount(),
                    p,
                    cuts.size(),
                    whole.sources(),
                    items.subList(from, cuts.get(p)));
            from = cuts.get(p);
            ProducerRecord<byte[], byte[]> r = new ProducerRecord<>(topic, key, TicketCodec.write(t));
            if (RecordSize.of(r) > maxBytes) {
                throw new IllegalStateException(
                        t + " is " + RecordSize.of(r) + " bytes; " + topic + " takes " + maxBytes);
            }
            out.add(r);
        }
        return out;
    }

    /** Bytes left for items in one record: the limit less the record overhead, the key and the envelope. */
    private int budget(String batchId, String account, List<String> betas, List<String> sources, int requestCount) {
        Ticket envelope = new Ticket(
                batchId,
                account,
                betas,
                SOME_INSTANT,
                SOME_INSTANT,
                requestCount,
                Integer.MAX_VALUE - 1,
                Integer.MAX_VALUE,
                sources,
                List.of());
        int key = batchId.getBytes(StandardCharsets.UTF_8).length;
        return maxBytes - RecordSize.of(key, TicketCodec.write(envelope).length);
    }
}
