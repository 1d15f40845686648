package io.batchbridge.common.records;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.record.internal.AbstractRecords;
import org.apache.kafka.common.record.internal.CompressionType;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.junit.jupiter.api.Test;

/** A dead letter always fits its topic: with its value up to the limit, without it (and saying so) beyond. */
class DeadLetterTest {
    private static final Coordinates AT = new Coordinates("bridge.requests", 3, 42);

    private static DeadLetter letter(byte[] original) {
        return DeadLetter.to("bridge.dlq", new Problem(DeadLetterReason.UNKNOWN_MODEL, "model is not known"))
                .original(original)
                .customId("id-1")
                .failed(AT)
                .attempt(2);
    }

    @Test
    void justUnderTheLimitTheValueIsKeptAndJustOverItIsLeftOut() {
        byte[] original = new byte[100_000];
        int size = RecordSize.of(letter(original).build());

        ProducerRecord<byte[], byte[]> atLimit = letter(original).build(size);
        ProducerRecord<byte[], byte[]> overLimit = letter(original).build(size - 1);

        assertThat(atLimit.value()).isSameAs(original);
        assertThat(RecordSize.of(atLimit)).isEqualTo(size);
        assertThat(overLimit.value()).isNull();
        assertThat(RecordSize.of(overLimit)).isLessThan(size - 1);
        String message = BridgeHeaders.get(overLimit.headers(), BridgeHeaders.ERROR_MESSAGE);
        assertThat(message)
                .startsWith("model is not known")
                .contains("100000 bytes, is not included")
                .contains("bridge.requests-3@42");
        assertThat(BridgeHeaders.get(overLimit.headers(), BridgeHeaders.ERROR_REASON))
                .isEqualTo("unknown_model");
        assertThat(BridgeHeaders.origin(overLimit.headers())).isEqualTo(AT);
        assertThat(BridgeHeaders.get(overLimit.headers(), BridgeHeaders.ORIGINAL_OFFSET))
                .isEqualTo("42");
    }

    @Test
    void producerValuesAreEchoedEscapedAndBounded() {
        String hostile = "\u001b[2J" + "x".repeat(5_000_000) + "\nforged";
        ProducerRecord<byte[], byte[]> r = DeadLetter.to(
                        "bridge.dlq", new Problem(DeadLetterReason.UNKNOWN_MODEL, "unknown model " + hostile))
                .customId(hostile)
                .failed(AT)
                .build(64 * 1024);

        String message = BridgeHeaders.get(r.headers(), BridgeHeaders.ERROR_MESSAGE);
        String customId = BridgeHeaders.get(r.headers(), BridgeHeaders.CUSTOM_ID);
        assertThat(message).doesNotContain("\u001b", "\n").hasSizeLessThanOrEqualTo(DeadLetter.MAX_MESSAGE_CHARS + 32);
        assertThat(customId).doesNotContain("\u001b", "\n").hasSizeLessThanOrEqualTo(Echo.MAX_CHARS + 32);
        assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo(customId);
        assertThat(RecordSize.of(r)).isLessThan(16 * 1024);
    }

    @Test
    void recordSizeIsAnUpperBoundOfWhatKafkaCounts() {
        ProducerRecord<byte[], byte[]> r =
                letter(new byte[12_345]).batchId("msgbatch_1").build();
        int kafka = AbstractRecords.estimateSizeInBytesUpperBound(
                RecordBatch.CURRENT_MAGIC_VALUE,
                CompressionType.NONE,
                r.key(),
                r.value(),
                r.headers().toArray());

        assertThat(RecordSize.of(r)).isGreaterThanOrEqualTo(kafka).isLessThan(kafka + 200);
    }
}
