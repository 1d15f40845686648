package io.batchbridge.common.json;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

class Utf8Test {
    /** The JDK's strict decoder as the oracle. */
    private static boolean decodes(byte[] b) {
        try {
            StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(b));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void acceptsAsciiAndMultiByteTextAtEveryAlignment() {
        String text = "{\"content\":\"héllo 日本語 🚀 done\"}";
        for (int pad = 0; pad < 17; pad++) {
            byte[] b = utf8("x".repeat(pad) + text + "y".repeat(pad));
            assertThat(Utf8.firstInvalid(b)).as("pad %d", pad).isEqualTo(-1);
        }
        assertThat(Utf8.firstInvalid(new byte[0])).isEqualTo(-1);
    }

    @Test
    void findsABadByteAtEveryPositionOfALongAsciiRun() {
        for (int len = 1; len < 40; len++) {
            for (int at = 0; at < len; at++) {
                byte[] b = utf8("a".repeat(len));
                b[at] = (byte) 0xFF;
                assertThat(Utf8.firstInvalid(b)).as("len %d at %d", len, at).isEqualTo(at);
            }
        }
    }

    @Test
    void rejectsOverlongsSurrogatesTruncationsAndCodePointsAboveTheMaximum() {
        byte[][] bad = {
            {'a', (byte) 0xC0, (byte) 0x80}, // overlong NUL
            {'a', 'b', (byte) 0xE0, (byte) 0x80, (byte) 0x80}, // overlong
            {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, // surrogate U+D800
            {'a', 'a', 'a', 'a', 'a', 'a', 'a', (byte) 0xE6, (byte) 0x97}, // truncated across an 8-byte boundary
            {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, // above U+10FFFF
            {'a', 'a', 'a', 'a', 'a', 'a', 'a', 'a', (byte) 0x80}, // lone continuation after a full word
        };
        int[] at = {1, 2, 0, 7, 0, 8};
        for (int k = 0; k < bad.length; k++) {
            assertThat(Utf8.firstInvalid(bad[k])).as("case %d", k).isEqualTo(at[k]);
        }
    }

    @Test
    void agreesWithTheJdkDecoderOnRandomInput() {
        Random random = new Random(42);
        String[] pieces = {"a", "bcdefgh", "é", "日", "🚀", "{\"k\":1}", " "};
        for (int round = 0; round < 3000; round++) {
            StringBuilder s = new StringBuilder();
            int parts = random.nextInt(30);
            for (int p = 0; p < parts; p++) {
                s.append(pieces[random.nextInt(pieces.length)]);
            }
            byte[] b = utf8(s.toString());
            if (b.length > 0 && random.nextBoolean()) {
                b[random.nextInt(b.length)] = (byte) random.nextInt(256); // maybe break it
            }
            assertThat(Utf8.firstInvalid(b) < 0).as("round %d", round).isEqualTo(decodes(b));
        }
    }
}
