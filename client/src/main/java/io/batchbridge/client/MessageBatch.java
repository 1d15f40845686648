package io.batchbridge.client;

import java.time.Instant;

/**
 * The batch object the API returns from create, retrieve, list and cancel. Nullable timestamps and
 * {@code resultsUrl} are {@code null} while unset, as in the API.
 *
 * @param processingStatus {@code in_progress}, {@code canceling} or {@code ended} (unknown values kept verbatim)
 * @param resultsUrl set once the batch has ended; the results download prefers it over the fixed path
 */
public record MessageBatch(
        String id,
        String processingStatus,
        RequestCounts requestCounts,
        Instant createdAt,
        Instant expiresAt,
        Instant endedAt,
        Instant cancelInitiatedAt,
        Instant archivedAt,
        String resultsUrl) {

    public static final String IN_PROGRESS = "in_progress";
    public static final String CANCELING = "canceling";
    public static final String ENDED = "ended";

    /** True once every request has an outcome and results can be downloaded. */
    public boolean ended() {
        return ENDED.equals(processingStatus);
    }
}
