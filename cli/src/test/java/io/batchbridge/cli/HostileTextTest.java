package io.batchbridge.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.batchbridge.client.MessageBatch;
import io.batchbridge.client.ResultLine;
import io.batchbridge.client.ResultType;
import io.batchbridge.common.json.Json;
import io.batchbridge.common.records.BridgeHeaders;
import java.time.Instant;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/**
 * Issue #17: control characters from records reached the terminal raw ({@code bridge dlq list} printed
 * {@code ESC[2J} and a forged second line). Every text rendering of a record or batch is one line per record
 * with no control character in it.
 */
class HostileTextTest {
    /** ESC sequences (clear screen, set title), CR/LF with a forged line after them, a C1 CSI and DEL. */
    static final String HOSTILE = "a\u001b[2J\u001b]0;owned\u0007\r\n0@99 reason=forged\u009b31m\u007fz";

    @Test
    void aDeadLetterWithHostileKeyHeadersAndValueIsOneCleanLine() {
        ConsumerRecord<byte[], byte[]> r = record();
        BridgeHeaders.put(r.headers(), BridgeHeaders.ERROR_REASON, "api_error" + HOSTILE);
        BridgeHeaders.put(r.headers(), BridgeHeaders.ERROR_MESSAGE, "the sentence" + HOSTILE);
        BridgeHeaders.put(r.headers(), BridgeHeaders.CUSTOM_ID, HOSTILE);
        BridgeHeaders.put(r.headers(), BridgeHeaders.ORIGINAL_TOPIC, "t" + HOSTILE);
        BridgeHeaders.put(r.headers(), BridgeHeaders.ORIGINAL_PARTITION, "0" + HOSTILE);
        BridgeHeaders.put(r.headers(), BridgeHeaders.ORIGINAL_OFFSET, "1" + HOSTILE);
        BridgeHeaders.put(r.headers(), BridgeHeaders.ATTEMPT, "2" + HOSTILE);

        assertClean(DlqCommand.DeadLetterText.line(r));
        assertClean(RecordText.line(r));
    }

    @Test
    void aResultWithHostileKeyHeadersAndValueIsOneCleanLine() {
        ConsumerRecord<byte[], byte[]> r = record();
        BridgeHeaders.put(r.headers(), BridgeHeaders.RESULT_TYPE, "succeeded" + HOSTILE);
        BridgeHeaders.put(r.headers(), BridgeHeaders.STOP_REASON, "end_turn" + HOSTILE);
        BridgeHeaders.put(r.headers(), BridgeHeaders.TRUNCATED, "false" + HOSTILE);

        String line = RecordText.line(r);

        assertClean(line);
        assertThat(line).contains("model=m\\u001b[2J", "cost_usd=1\\n");
    }

    @Test
    void batchRowsDetailsAndResultLinesCarryNoControlCharacters() {
        MessageBatch b = new MessageBatch(
                "msgbatch_1" + HOSTILE, "ended" + HOSTILE, null, Instant.EPOCH, null, null, null, null, "u" + HOSTILE);
        ResultLine line = new ResultLine(
                "c" + HOSTILE,
                ResultType.ERRORED,
                "invalid_request_error" + HOSTILE,
                "bad" + HOSTILE,
                "m",
                "end_turn" + HOSTILE,
                null,
                ("{\"content\":[{\"type\":\"text\",\"text\":\"x\u009b2J\u2028y\"}]}").getBytes(UTF_8));

        assertClean(BatchText.row(b));
        for (String l : BatchText.detail(b).split("\n")) {
            assertClean(l);
        }
        assertClean(BatchText.resultJson(line, true));
    }

    @Test
    void jsonLinesKeepTheirMeaningAndLoseTheirControlCharacters() throws Exception {
        String json = "{\"a\":\"x\u001b[2J\u009b\\\"\u2028y\",\n\"b\":\r\n1}";

        String line = JsonLine.of(json);

        assertClean(line);
        assertThat(Json.MAPPER.readTree(line)).isEqualTo(Json.MAPPER.readTree(json.replace("\u001b", "\\u001b")));
        assertThat(JsonLine.of("{\"custom_id\":\"a\\\\\",\"x\":\"\u0007\"}"))
                .isEqualTo("{\"custom_id\":\"a\\\\\",\"x\":\"\\u0007\"}");
    }

    private static ConsumerRecord<byte[], byte[]> record() {
        byte[] value = ("{\"custom_id\":\"c\",\"model\":\"m\\u001b[2J\",\"cost_usd\":\"1\\n\",\"raw\":\"" + HOSTILE
                        + "\"}")
                .getBytes(UTF_8);
        return new ConsumerRecord<>("bridge.dlq", 0, 3, ("k" + HOSTILE).getBytes(UTF_8), value);
    }

    static void assertClean(String text) {
        assertThat(text).as("one line").doesNotContain("\n", "\r", "\u2028", "\u2029");
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            assertThat(c < 0x20 || (c >= 0x7f && c <= 0x9f))
                    .as("control character U+%04X at %d in %s", (int) c, i, text)
                    .isFalse();
        }
    }
}
