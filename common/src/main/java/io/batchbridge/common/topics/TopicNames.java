package io.batchbridge.common.topics;

import java.util.List;
import java.util.Objects;

/**
 * The pipeline's topic names. Defaults are those of the design brief, all under one prefix
 * ({@code bridge.}); each may be set on its own.
 */
public record TopicNames(
        List<String> requests,
        String batches,
        String results,
        String retry,
        String dlq,
        String batchEvents,
        String checkpoints,
        String intents,
        String spend) {

    public static final String DEFAULT_PREFIX = "bridge.";

    /** Kafka's rule for a topic name: 1 to 249 characters of a-z A-Z 0-9 . _ -, and neither "." nor "..". */
    public static final java.util.regex.Pattern LEGAL_NAME =
            java.util.regex.Pattern.compile("(?!\\.{1,2}$)[a-zA-Z0-9._-]{1,249}");

    /** Whether {@code name} is a legal Kafka topic name ({@link #LEGAL_NAME}). */
    public static boolean isLegal(String name) {
        return name != null && LEGAL_NAME.matcher(name).matches();
    }

    public TopicNames {
        requests = List.copyOf(requests);
        if (requests.isEmpty()) {
            throw new IllegalArgumentException("at least one request topic is required");
        }
        Objects.requireNonNull(batches, "batches");
        Objects.requireNonNull(results, "results");
        Objects.requireNonNull(retry, "retry");
        Objects.requireNonNull(dlq, "dlq");
        Objects.requireNonNull(batchEvents, "batchEvents");
        Objects.requireNonNull(checkpoints, "checkpoints");
        Objects.requireNonNull(intents, "intents");
        Objects.requireNonNull(spend, "spend");
    }

    public static TopicNames defaults() {
        return withPrefix(DEFAULT_PREFIX);
    }

    /** All default names under another prefix, e.g. a test's unique one. */
    public static TopicNames withPrefix(String prefix) {
        return new TopicNames(
                List.of(prefix + "requests"),
                prefix + "batches",
                prefix + "results",
                prefix + "retry",
                prefix + "dlq",
                prefix + "batch-events",
                prefix + "checkpoints",
                prefix + "intents",
                prefix + "spend");
    }

    /** Every topic with its role, request topics first. */
    public List<TopicSpec> specs(int partitions, short replicationFactor) {
        java.util.List<TopicSpec> specs = new java.util.ArrayList<>();
        requests.forEach(t -> specs.add(new TopicSpec(t, TopicRole.REQUESTS, partitions, replicationFactor)));
        specs.add(new TopicSpec(batches, TopicRole.BATCHES, partitions, replicationFactor));
        specs.add(new TopicSpec(results, TopicRole.RESULTS, partitions, replicationFactor));
        specs.add(new TopicSpec(retry, TopicRole.RETRY, partitions, replicationFactor));
        specs.add(new TopicSpec(dlq, TopicRole.DLQ, partitions, replicationFactor));
        specs.add(new TopicSpec(batchEvents, TopicRole.BATCH_EVENTS, partitions, replicationFactor));
        specs.add(new TopicSpec(checkpoints, TopicRole.CHECKPOINTS, partitions, replicationFactor));
        specs.add(new TopicSpec(intents, TopicRole.INTENTS, partitions, replicationFactor));
        specs.add(new TopicSpec(spend, TopicRole.SPEND, partitions, replicationFactor));
        return specs;
    }
}
