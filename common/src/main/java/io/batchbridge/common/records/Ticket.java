package io.batchbridge.common.records;

import java.time.Instant;
import java.util.List;

/**
 * One record on the batches topic per created API batch (or per part, when the batch is large): the
 * batch id, the lane, and the routing facts of every request in it. Written in the same Kafka
 * transaction as the request offsets it covers (invariant 2).
 *
 * @param sources the source topics that {@link TicketItem#batchCustomId()} indexes into
 * @param part index of this part (0-based); a batch's items are split over {@code parts} records
 * @param requestCount number of requests in the whole batch (all parts)
 */
public record Ticket(
        String batchId,
        String account,
        List<String> betas,
        Instant createdAt,
        Instant expiresAt,
        int requestCount,
        int part,
        int parts,
        List<String> sources,
        List<TicketItem> items) {

    public Ticket {
        betas = List.copyOf(betas);
        sources = List.copyOf(sources);
        items = List.copyOf(items);
        if (part < 0 || part >= parts) {
            throw new IllegalArgumentException("part must be in [0, " + parts + ") but was " + part);
        }
    }

    @Override
    public String toString() {
        return "Ticket[batch_id=" + batchId + ", part=" + part + "/" + parts + ", items=" + items.size() + "]";
    }
}
