package io.batchbridge.common.records;

import java.util.Objects;

/** Where a record lives: {@code topic-partition@offset}, the only way logs name a record. */
public record Coordinates(String topic, int partition, long offset) {
    public Coordinates {
        Objects.requireNonNull(topic, "topic");
    }

    @Override
    public String toString() {
        return topic + "-" + partition + "@" + offset;
    }
}
