package io.batchbridge.client.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class LineReaderTest {

    /** Returns at most {@code chunk} bytes per read, like a socket. */
    private static InputStream trickle(String s, int chunk) {
        return new FilterInputStream(new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8))) {
            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                return super.read(b, off, Math.min(len, chunk));
            }
        };
    }

    private static List<String> lines(LineReader r) throws IOException {
        List<String> out = new ArrayList<>();
        while (r.next()) {
            out.add(new String(r.buffer(), r.lineStart(), r.lineLength(), StandardCharsets.UTF_8));
        }
        return out;
    }

    @Test
    void splitsLinesThatStraddleReadsAndGrowsForLongLines() throws IOException {
        String longLine = "x".repeat(10_000);
        String input = "a\r\n\nbb\n" + longLine + "\n日本\n";
        AtomicInteger beats = new AtomicInteger();
        LineReader r = new LineReader(trickle(input, 7), 16, 1 << 20, beats::incrementAndGet);

        assertThat(lines(r)).containsExactly("a", "bb", longLine, "日本");
        assertThat(r.bytesRead()).isEqualTo(input.getBytes(StandardCharsets.UTF_8).length);
        assertThat(beats.get()).isGreaterThan(1000);
        assertThat(r.capacity()).isGreaterThanOrEqualTo(10_000).isLessThan(40_000);
    }

    @Test
    void findsEveryNewlineWhateverItsOffsetInTheWordScan() throws IOException {
        // Lines of every length 1..40 with multi-byte and high-bit bytes (0x80+, which the word scan must not
        // mistake for a newline), read in chunks of every size 1..17: the split must equal String.split.
        java.util.Random random = new java.util.Random(42);
        List<String> expected = new ArrayList<>();
        StringBuilder input = new StringBuilder();
        for (int len = 1; len <= 40; len++) {
            StringBuilder line = new StringBuilder();
            for (int k = 0; k < len; k++) {
                line.append("ab\u00e9\u008a\u0b0a\t{".charAt(random.nextInt(7)));
            }
            expected.add(line.toString());
            input.append(line).append('\n');
        }
        for (int chunk = 1; chunk <= 17; chunk++) {
            LineReader r = new LineReader(trickle(input.toString(), chunk), 8, 1 << 16, () -> {});
            assertThat(lines(r)).as("chunk %d", chunk).isEqualTo(expected);
        }
    }

    @Test
    void reportsAnUnterminatedLastLine() throws IOException {
        LineReader r = new LineReader(trickle("one\ntw", 3), 8, 1024, () -> {});
        assertThat(r.next()).isTrue();
        assertThat(r.terminated()).isTrue();
        assertThat(r.next()).isTrue();
        assertThat(new String(r.buffer(), r.lineStart(), r.lineLength(), StandardCharsets.UTF_8))
                .isEqualTo("tw");
        assertThat(r.terminated()).isFalse();
        assertThat(r.next()).isFalse();
    }

    @Test
    void refusesALineLongerThanTheCapInsteadOfGrowingTheHeap() {
        LineReader r = new LineReader(trickle("short\n" + "y".repeat(5000) + "\n", 512), 64, 2048, () -> {});
        assertThatThrownBy(() -> lines(r)).isInstanceOf(LineReader.LineTooLongException.class);
        assertThat(r.capacity()).isLessThanOrEqualTo(2049);
    }
}
