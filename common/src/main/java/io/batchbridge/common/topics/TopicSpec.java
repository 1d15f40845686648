package io.batchbridge.common.topics;

/** A topic the pipeline needs: its name, role, and the size to create it with. */
public record TopicSpec(String name, TopicRole role, int partitions, short replicationFactor) {
    public TopicSpec {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("topic name must not be blank");
        }
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions must be at least 1 but was " + partitions);
        }
        if (replicationFactor < 1) {
            throw new IllegalArgumentException("replication factor must be at least 1 but was " + replicationFactor);
        }
    }
}
