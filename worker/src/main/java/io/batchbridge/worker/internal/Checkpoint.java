package io.batchbridge.worker.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.batchbridge.common.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Base64;
import java.util.BitSet;

/**
 * Fan-out progress of one batch, the value on the compacted checkpoint topic (key = batch id). {@code delivered}
 * holds the ticket item index of every request whose outcome (result, retry or dead letter) is committed, so a
 * resumed fan-out skips exactly those lines whatever order the re-downloaded file has. A 100,000-request batch
 * needs 12.5 KB.
 *
 * @param lines result lines handled so far (informational; resumption uses {@code delivered})
 * @param done the final transaction of the batch committed (its tickets may still wait for an in-order commit)
 * @param costMicros the exact batch-price cost of the succeeded lines handled so far (the batch's actual cost once
 *     done, reported to the spend ledger); a checkpoint written before this field existed reads 0
 */
public record Checkpoint(long lines, BitSet delivered, boolean done, long costMicros) {

    public static Checkpoint empty() {
        return new Checkpoint(0, new BitSet(), false);
    }

    public Checkpoint {
        delivered = (BitSet) delivered.clone();
    }

    public Checkpoint(long lines, BitSet delivered, boolean done) {
        this(lines, delivered, done, 0);
    }

    public boolean isDelivered(int index) {
        return delivered.get(index);
    }

    @Override
    public BitSet delivered() {
        return (BitSet) delivered.clone();
    }

    public int deliveredCount() {
        return delivered.cardinality();
    }

    public byte[] toJson() {
        ObjectNode n = Json.MAPPER.createObjectNode();
        n.put("v", 1);
        n.put("lines", lines);
        n.put("delivered_count", delivered.cardinality());
        n.put("done", done);
        n.put("cost_micros", costMicros);
        n.put("delivered", Base64.getEncoder().encodeToString(delivered.toByteArray()));
        try {
            return Json.MAPPER.writeValueAsBytes(n);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Parses a checkpoint value; throws {@link IllegalArgumentException} when it is not one. */
    public static Checkpoint fromJson(byte[] value) {
        try {
            JsonNode n = Json.MAPPER.readTree(value);
            if (n == null || !n.has("delivered")) {
                throw new IllegalArgumentException("not a checkpoint: delivered is missing");
            }
            BitSet bits = BitSet.valueOf(
                    Base64.getDecoder().decode(n.path("delivered").asText()));
            return new Checkpoint(
                    n.path("lines").asLong(),
                    bits,
                    n.path("done").asBoolean(false),
                    n.path("cost_micros").asLong(0));
        } catch (IOException e) {
            throw new IllegalArgumentException("not a checkpoint: " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return "Checkpoint[lines=" + lines + ", delivered=" + delivered.cardinality() + ", done=" + done
                + ", cost_micros=" + costMicros + "]";
    }
}
