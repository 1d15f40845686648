package io.batchbridge.common.records;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;

/**
 * An upper bound of the bytes a record takes on the wire before compression: what the producer checks against
 * {@code max.request.size} and, for an uncompressed batch of one, what the broker checks against the topic's
 * {@code max.message.bytes}. Every field is counted at its length plus the largest varint prefix, plus the
 * batch and record overheads, so the bound holds whatever the message format's details.
 */
public final class RecordSize {
    /** {@code DefaultRecordBatch.RECORD_BATCH_OVERHEAD} (61) plus {@code DefaultRecord.MAX_RECORD_OVERHEAD} (21). */
    public static final int OVERHEAD = 61 + 21;

    private static final int VARINT = 5;

    private RecordSize() {}

    public static int of(ProducerRecord<byte[], byte[]> r) {
        long size = OVERHEAD + field(r.key()) + field(r.value()) + VARINT;
        for (Header h : r.headers()) {
            size += VARINT + h.key().getBytes(StandardCharsets.UTF_8).length + field(h.value());
        }
        return (int) Math.min(Integer.MAX_VALUE, size);
    }

    /** The bound of a record without headers whose key and value have these lengths. */
    public static int of(int keyBytes, int valueBytes) {
        return OVERHEAD + 3 * VARINT + keyBytes + valueBytes;
    }

    private static long field(byte[] b) {
        return VARINT + (b == null ? 0 : b.length);
    }
}
