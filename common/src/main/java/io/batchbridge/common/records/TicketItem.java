package io.batchbridge.common.records;

/**
 * What the worker needs to route one result back to its request, carried in the ticket so that no
 * request payload has to be re-read for a successful result.
 *
 * @param batchCustomId the {@code custom_id} used inside the API batch ({@code s<i>-p<partition>-o<offset>})
 * @param customId the user's {@code custom_id}
 * @param replyTo the output topic asked for, or null for the default
 * @param attempt the attempt this submission is
 * @param metadata raw JSON of the user's metadata, or null
 * @param origin the request's coordinates as first published (equal to the source for first attempts)
 * @param maxAttempts the request's attempt limit, decided by the submitter when the request entered
 *     ({@code bridge.submitter.retry.max.attempts}) and carried by its retry records: the worker dead-letters a
 *     transient failure on this attempt as {@code attempts_exhausted}. 0 for an item written by a submitter that
 *     did not carry the limit yet (the worker then falls back to {@code bridge.worker.retry.max.attempts})
 * @param sharedWith null for an item the API batch holds; for a request de-duplicated into another
 *     ({@code bridge.submitter.dedup.enabled}), the {@code batchCustomId} of the item of the same batch whose API
 *     answer it shares: the worker delivers, retries or dead-letters it with that item, as its own request
 */
public record TicketItem(
        String batchCustomId,
        String customId,
        String replyTo,
        int attempt,
        byte[] metadata,
        Coordinates origin,
        int maxAttempts,
        String sharedWith) {

    /** An item the API batch holds (not de-duplicated). */
    public TicketItem(
            String batchCustomId,
            String customId,
            String replyTo,
            int attempt,
            byte[] metadata,
            Coordinates origin,
            int maxAttempts) {
        this(batchCustomId, customId, replyTo, attempt, metadata, origin, maxAttempts, null);
    }

    /** The same item, sharing the API answer of the item {@code leader} (a de-duplicated request). */
    public TicketItem sharing(String leader) {
        return new TicketItem(batchCustomId, customId, replyTo, attempt, metadata, origin, maxAttempts, leader);
    }

    /** An item that carries no attempt limit (as written before the limit was carried). */
    public TicketItem(
            String batchCustomId, String customId, String replyTo, int attempt, byte[] metadata, Coordinates origin) {
        this(batchCustomId, customId, replyTo, attempt, metadata, origin, 0);
    }

    /** The batch {@code custom_id} for a record at these coordinates, given its source topic's index. */
    public static String batchCustomId(int sourceIndex, int partition, long offset) {
        return "s" + sourceIndex + "-p" + partition + "-o" + offset;
    }

    /** Where the submitted record lives: decoded from {@link #batchCustomId} and the ticket's sources. */
    public Coordinates source(java.util.List<String> sources) {
        String id = batchCustomId;
        int p = id.indexOf("-p");
        int o = id.indexOf("-o", p + 2);
        // parsed in place (no substrings): the submitter decodes one per ticket item, 10,000 per batch
        int index = Integer.parseInt(id, 1, p, 10);
        return new Coordinates(
                sources.get(index), Integer.parseInt(id, p + 2, o, 10), Long.parseLong(id, o + 2, id.length(), 10));
    }
}
