package io.batchbridge.common.records;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * The Kafka headers batch-bridge writes: their names, all under one prefix in the spirit of Spring Kafka's
 * {@code kafka_dlt-*} and Kafka Connect's {@code __connect.errors.*}, and how to write and read them. Values
 * are UTF-8 strings.
 */
public final class BridgeHeaders {
    public static final String PREFIX = "bridge-";

    /** Attempt number of the request (1 for the first submission). */
    public static final String ATTEMPT = PREFIX + "attempt";
    /** Retry records: ISO-8601 instant before which the request must not be resubmitted. */
    public static final String NOT_BEFORE = PREFIX + "not-before";
    /** Coordinates of the request record as first published (stable across retries). */
    public static final String ORIGIN_TOPIC = PREFIX + "origin-topic";

    public static final String ORIGIN_PARTITION = PREFIX + "origin-partition";
    public static final String ORIGIN_OFFSET = PREFIX + "origin-offset";
    /** Dead letters: coordinates of the record that failed (may be a retry record). */
    public static final String ORIGINAL_TOPIC = PREFIX + "original-topic";

    public static final String ORIGINAL_PARTITION = PREFIX + "original-partition";
    public static final String ORIGINAL_OFFSET = PREFIX + "original-offset";
    /** Dead letters: machine-readable reason code ({@code DeadLetterReason}). */
    public static final String ERROR_REASON = PREFIX + "error-reason";
    /** Dead letters: one human sentence. */
    public static final String ERROR_MESSAGE = PREFIX + "error-message";
    /** The user's {@code custom_id}, when known. */
    public static final String CUSTOM_ID = PREFIX + "custom-id";

    public static final String BATCH_ID = PREFIX + "batch-id";
    public static final String MODEL = PREFIX + "model";
    /** Results: {@code succeeded}; dead letters: the API result type that led there, if any. */
    public static final String RESULT_TYPE = PREFIX + "result-type";

    public static final String STOP_REASON = PREFIX + "stop-reason";
    public static final String TRUNCATED = PREFIX + "truncated";
    /**
     * On a result delivered to a de-duplicated request: the {@code custom_id} of the request the API answered,
     * whose result carries the cost ({@code bridge.submitter.dedup.enabled}).
     */
    public static final String SHARED_WITH = PREFIX + "shared-with";

    private BridgeHeaders() {}

    /** Adds the origin headers that tie any terminal record to its request. */
    public static void putOrigin(Headers h, Coordinates o) {
        put(h, ORIGIN_TOPIC, o.topic());
        put(h, ORIGIN_PARTITION, String.valueOf(o.partition()));
        put(h, ORIGIN_OFFSET, String.valueOf(o.offset()));
    }

    public static void put(Headers h, String key, String value) {
        h.add(key, value.getBytes(StandardCharsets.UTF_8));
    }

    /** The value of a header as a string, or null. */
    public static String get(Headers h, String key) {
        Header last = h.lastHeader(key);
        return last == null || last.value() == null ? null : new String(last.value(), StandardCharsets.UTF_8);
    }

    /** The origin coordinates a terminal record carries, or null. */
    public static Coordinates origin(Headers h) {
        String topic = get(h, ORIGIN_TOPIC);
        String partition = get(h, ORIGIN_PARTITION);
        String offset = get(h, ORIGIN_OFFSET);
        if (topic == null || partition == null || offset == null) {
            return null;
        }
        return new Coordinates(topic, Integer.parseInt(partition), Long.parseLong(offset));
    }
}
