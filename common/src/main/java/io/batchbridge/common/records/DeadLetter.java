package io.batchbridge.common.records;

import java.nio.charset.StandardCharsets;
import java.util.Objects;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * One dead letter, built field by field. Every value a producer controls ({@code custom_id}, the sentence,
 * which may echo fields) goes through {@link Echo}, so headers are bounded and hold no control characters.
 * {@link #build(int)} fits the record into its topic: when the original value cannot fit, the dead letter is
 * written with its coordinates and reason but without the value, and its sentence says so.
 */
public final class DeadLetter {
    /** The longest sentence a dead letter carries, in characters (after escaping). */
    public static final int MAX_MESSAGE_CHARS = 1024;

    private final String topic;
    private final Problem problem;
    private byte[] original;
    private String customId;
    private Coordinates failed;
    private Coordinates origin;
    private int attempt = 1;
    private String batchId;

    private DeadLetter(String topic, Problem problem) {
        this.topic = Objects.requireNonNull(topic, "topic");
        this.problem = Objects.requireNonNull(problem, "problem");
    }

    /** A dead letter for the dead-letter topic {@code topic}, for this reason. */
    public static DeadLetter to(String topic, Problem problem) {
        return new DeadLetter(topic, problem);
    }

    /** The original record's bytes, carried unchanged so a fixed request can be replayed. */
    public DeadLetter original(byte[] value) {
        this.original = value;
        return this;
    }

    /** The user's {@code custom_id}, or null when it could not be read (then the key is null). */
    public DeadLetter customId(String id) {
        this.customId = id;
        return this;
    }

    /** Where the record that failed lives (request or retry record). */
    public DeadLetter failed(Coordinates c) {
        this.failed = c;
        return this;
    }

    /** Where the request was first published (null: {@link #failed} is used). */
    public DeadLetter origin(Coordinates c) {
        this.origin = c;
        return this;
    }

    public DeadLetter attempt(int n) {
        this.attempt = n;
        return this;
    }

    /** The API batch the request was part of, if any. */
    public DeadLetter batchId(String id) {
        this.batchId = id;
        return this;
    }

    /** The record, whatever its size. */
    public ProducerRecord<byte[], byte[]> build() {
        return record(Echo.of(problem.message(), MAX_MESSAGE_CHARS), original);
    }

    /**
     * The record, no larger than {@code maxBytes} as {@link RecordSize} counts it: with the original value when
     * it fits, else without it (the sentence says so). Headers are bounded, so any limit of a few KiB fits.
     */
    public ProducerRecord<byte[], byte[]> build(int maxBytes) {
        ProducerRecord<byte[], byte[]> full = build();
        if (original == null || RecordSize.of(full) <= maxBytes) {
            return full;
        }
        String where = failed == null ? "" : " (read it at " + failed + ")";
        String note = " [the original record, " + original.length + " bytes, is not included: with it this dead"
                + " letter would exceed the " + maxBytes + " bytes its topic accepts" + where + "]";
        String message = Echo.of(problem.message(), MAX_MESSAGE_CHARS - note.length()) + note;
        return record(message, null);
    }

    private ProducerRecord<byte[], byte[]> record(String message, byte[] value) {
        RecordHeaders h = new RecordHeaders();
        BridgeHeaders.put(h, BridgeHeaders.ERROR_REASON, problem.reason().code());
        BridgeHeaders.put(h, BridgeHeaders.ERROR_MESSAGE, message);
        BridgeHeaders.put(h, BridgeHeaders.ATTEMPT, String.valueOf(attempt));
        String key = customId == null ? null : Echo.of(customId);
        if (key != null) {
            BridgeHeaders.put(h, BridgeHeaders.CUSTOM_ID, key);
        }
        if (batchId != null) {
            BridgeHeaders.put(h, BridgeHeaders.BATCH_ID, Echo.of(batchId));
        }
        if (failed != null) {
            BridgeHeaders.put(h, BridgeHeaders.ORIGINAL_TOPIC, Echo.of(failed.topic()));
            BridgeHeaders.put(h, BridgeHeaders.ORIGINAL_PARTITION, String.valueOf(failed.partition()));
            BridgeHeaders.put(h, BridgeHeaders.ORIGINAL_OFFSET, String.valueOf(failed.offset()));
        }
        Coordinates o = origin != null ? origin : failed;
        if (o != null) {
            BridgeHeaders.putOrigin(h, new Coordinates(Echo.of(o.topic()), o.partition(), o.offset()));
        }
        byte[] k = key == null ? null : key.getBytes(StandardCharsets.UTF_8);
        return new ProducerRecord<>(topic, null, k, value, h);
    }
}
