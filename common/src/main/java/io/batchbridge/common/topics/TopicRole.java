package io.batchbridge.common.topics;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a pipeline topic is for, and the topic configs that role needs to keep the invariants. Values
 * here are what the provisioner sets on creation; {@link TopicRequirement}s are the minimums it checks on
 * topics that already exist.
 */
public enum TopicRole {
    /** Request envelopes from producers. Re-read by coordinates for retries, so kept well past 24 h. */
    REQUESTS(Duration.ofDays(7), TopicProvisioner.LARGE_RECORD_BYTES, false),
    /** Tickets: one or more per created API batch; needed until the batch is fanned out (up to 29 days). */
    BATCHES(Duration.ofDays(30), TopicProvisioner.LARGE_RECORD_BYTES, false),
    /** Results (the default output topic and any allowed {@code reply_to} topic). */
    RESULTS(Duration.ofDays(7), TopicProvisioner.LARGE_RECORD_BYTES, false),
    /** Self-contained retry records carrying the original request. */
    RETRY(Duration.ofDays(7), TopicProvisioner.LARGE_RECORD_BYTES, false),
    /** Dead letters: reason, sentence, original bytes, coordinates. Kept longer, for humans to look at. */
    DLQ(Duration.ofDays(30), TopicProvisioner.LARGE_RECORD_BYTES, false),
    /** Batch lifecycle events for dashboards. */
    BATCH_EVENTS(Duration.ofDays(7), 1024 * 1024, false),
    /** Compacted fan-out progress per batch. */
    CHECKPOINTS(null, 1024 * 1024, true),
    /**
     * The submitters' create intents: written before each create call, tombstoned with the batch's ticket (or once
     * the batch is known not to exist); an intent left open names a batch that may exist without a ticket.
     */
    INTENTS(null, TopicProvisioner.LARGE_RECORD_BYTES, true),
    /**
     * The shared spend ledger: the submitters' reservations (key per reservation) and the workers' actual cost per
     * batch (key per batch). Compacted (the latest state of each key counts) and deleted after 3 days (a day's
     * figures are read until its batches are reconciled, at most a day later).
     */
    SPEND(Duration.ofDays(3), 1024 * 1024, true);

    /** Retention below this on a request or retry topic can drop a request before it is retried. */
    public static final Duration MIN_REQUEST_RETENTION = Duration.ofHours(48);

    private final Duration retention;
    private final int maxMessageBytes;
    private final boolean compacted;

    TopicRole(Duration retention, int maxMessageBytes, boolean compacted) {
        this.retention = retention;
        this.maxMessageBytes = maxMessageBytes;
        this.compacted = compacted;
    }

    /** Topic configs applied when the provisioner creates a topic of this role. */
    public Map<String, String> creationConfigs() {
        Map<String, String> c = new LinkedHashMap<>();
        c.put("cleanup.policy", compacted ? (retention == null ? "compact" : "compact,delete") : "delete");
        if (retention != null) {
            c.put("retention.ms", String.valueOf(retention.toMillis()));
        }
        c.put("max.message.bytes", String.valueOf(maxMessageBytes));
        c.put("compression.type", "zstd");
        if (compacted) {
            c.put("min.cleanable.dirty.ratio", "0.1");
            c.put("segment.ms", String.valueOf(Duration.ofHours(1).toMillis()));
        }
        return c;
    }

    /** Minimums an existing topic of this role must meet. */
    public java.util.List<TopicRequirement> requirements() {
        java.util.List<TopicRequirement> r = new java.util.ArrayList<>();
        r.add(TopicRequirement.atLeast(
                "max.message.bytes", maxMessageBytes, "records up to " + maxMessageBytes + " bytes must fit"));
        if (compacted) {
            r.add(TopicRequirement.contains(
                    "cleanup.policy", "compact", "the latest value per key is read back (checkpoint, intent, spend)"));
        } else {
            r.add(TopicRequirement.contains(
                    "cleanup.policy", "delete", "a compacted topic would drop records that share a key"));
        }
        if (this == REQUESTS || this == RETRY) {
            r.add(TopicRequirement.retentionAtLeast(
                    MIN_REQUEST_RETENTION,
                    "requests are re-read by coordinates for retries up to 24 h after submission"));
        }
        if (this == SPEND) {
            r.add(TopicRequirement.retentionAtLeast(
                    Duration.ofDays(2), "a day's reservations are read until its batches report their actual cost"));
        }
        if (this == BATCHES) {
            r.add(TopicRequirement.retentionAtLeast(
                    Duration.ofDays(2), "tickets must outlive their batch (24 h) plus its fan-out"));
        }
        return r;
    }
}
