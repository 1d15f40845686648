package io.batchbridge.common.records;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Builds dead-letter records. The value is the original record's bytes, unchanged, so a fixed request
 * can be replayed as it was; everything about the failure travels in {@link Headers}. New code builds them
 * with {@link DeadLetter}, which also fits a dead letter into its topic.
 */
public final class DeadLetters {
    private DeadLetters() {}

    /**
     * A dead letter for one request ({@link DeadLetter} field by field; producer values are echoed through
     * {@link Echo}).
     *
     * @param customId the user's {@code custom_id}, or null when it could not be read (then the key is null)
     * @param failed where the record that failed lives (request, retry record, or null)
     * @param origin where the request was first published (null when unknown, then {@code failed} is used)
     * @param batchId the API batch it was part of, or null
     */
    public static ProducerRecord<byte[], byte[]> record(
            String dlqTopic,
            Problem problem,
            byte[] original,
            String customId,
            Coordinates failed,
            Coordinates origin,
            int attempt,
            String batchId) {
        return DeadLetter.to(dlqTopic, problem)
                .original(original)
                .customId(customId)
                .failed(failed)
                .origin(origin)
                .attempt(attempt)
                .batchId(batchId)
                .build();
    }

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
