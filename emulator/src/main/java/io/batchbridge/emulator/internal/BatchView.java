package io.batchbridge.emulator.internal;

import java.time.Instant;

/**
 * A batch as seen at one simulated instant: what the batch object reports.
 *
 * @param endedAt null while processing
 * @param archivedAt null until results stop being available
 */
public record BatchView(
        String id,
        String status,
        long processing,
        long succeeded,
        long errored,
        long canceled,
        long expired,
        Instant createdAt,
        Instant expiresAt,
        Instant endedAt,
        Instant cancelInitiatedAt,
        Instant archivedAt) {

    public boolean ended() {
        return endedAt != null;
    }

    public boolean resultsAvailable() {
        return ended() && archivedAt == null;
    }
}
