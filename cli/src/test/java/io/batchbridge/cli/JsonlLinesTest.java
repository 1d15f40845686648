package io.batchbridge.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class JsonlLinesTest {

    @Test
    void linesKeepTheirExactBytesIncludingInvalidUtf8() throws IOException {
        byte[] file = {'a', (byte) 0xC3, (byte) 0x28, '\n', 'b', '\r', '\n', 'c'};

        List<JsonlLines.Line> lines = read(file, 100);

        assertThat(lines).extracting(JsonlLines.Line::number).containsExactly(1L, 2L, 3L);
        assertThat(lines.get(0).bytes()).containsExactly('a', (byte) 0xC3, (byte) 0x28);
        assertThat(lines.get(1).bytes()).containsExactly('b');
        assertThat(lines.get(2).bytes()).containsExactly('c');
        assertThat(lines).extracting(JsonlLines.Line::length).containsExactly(4L, 3L, 1L);
    }

    @Test
    void lineOverTheLimitIsReportedOversizedAndTheNextLineIsIntact() throws IOException {
        String file = "x".repeat(50) + "\n{\"ok\":1}\n";

        List<JsonlLines.Line> lines = read(file.getBytes(UTF_8), 20);

        assertThat(lines).hasSize(2);
        assertThat(lines.get(0).oversized()).isTrue();
        assertThat(lines.get(0).length()).isEqualTo(51);
        assertThat(new String(lines.get(1).bytes(), UTF_8)).isEqualTo("{\"ok\":1}");
    }

    @Test
    void blankLinesAreBlankAndAnEmptyFileHasNoLines() throws IOException {
        assertThat(read(" \t\n\n".getBytes(UTF_8), 10))
                .allMatch(JsonlLines.Line::blank)
                .hasSize(2);
        assertThat(read(new byte[0], 10)).isEmpty();
    }

    private static List<JsonlLines.Line> read(byte[] file, int max) throws IOException {
        List<JsonlLines.Line> out = new ArrayList<>();
        try (JsonlLines in = new JsonlLines(new ByteArrayInputStream(file), max)) {
            JsonlLines.Line l;
            while ((l = in.next()) != null) {
                out.add(l);
            }
        }
        return out;
    }
}
