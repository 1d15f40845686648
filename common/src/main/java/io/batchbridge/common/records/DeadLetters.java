package io.batchbridge.common.records;

import java.nio.charset.StandardCharsets;

/**
 * Reads and writes the {@link Headers} batch-bridge puts on its records. Dead letters themselves are built with
 * {@link DeadLetter}.
 */
public final class DeadLetters {
    private DeadLetters() {}

    /** Adds the origin headers that tie any terminal record to its request. */
    public static void putOrigin(org.apache.kafka.common.header.Headers h, Coordinates o) {
        put(h, Headers.ORIGIN_TOPIC, o.topic());
        put(h, Headers.ORIGIN_PARTITION, String.valueOf(o.partition()));
        put(h, Headers.ORIGIN_OFFSET, String.valueOf(o.offset()));
    }

    public static void put(org.apache.kafka.common.header.Headers h, String key, String value) {
        h.add(key, value.getBytes(StandardCharsets.UTF_8));
    }

    /** The value of a header as a string, or null. */
    public static String header(org.apache.kafka.common.header.Headers h, String key) {
        org.apache.kafka.common.header.Header last = h.lastHeader(key);
        return last == null || last.value() == null ? null : new String(last.value(), StandardCharsets.UTF_8);
    }

    /** The origin coordinates a terminal record carries, or null. */
    public static Coordinates origin(org.apache.kafka.common.header.Headers h) {
        String topic = header(h, Headers.ORIGIN_TOPIC);
        String partition = header(h, Headers.ORIGIN_PARTITION);
        String offset = header(h, Headers.ORIGIN_OFFSET);
        if (topic == null || partition == null || offset == null) {
            return null;
        }
        return new Coordinates(topic, Integer.parseInt(partition), Long.parseLong(offset));
    }
}
