package io.batchbridge.cli;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Reads a JSONL file line by line as raw bytes, so a line is published exactly as it is in the file (an
 * invalid UTF-8 sequence stays invalid and is rejected, not silently replaced). The line terminator
 * ({@code \n} or {@code \r\n}) is not part of the line. A line longer than {@code maxBytes} is skipped without
 * being held in memory and reported as oversized.
 */
final class JsonlLines implements AutoCloseable {
    /**
     * @param bytes the line without its terminator; null when oversized
     * @param length bytes the line took in the file, terminator included (for progress)
     */
    record Line(long number, byte[] bytes, long length) {
        boolean oversized() {
            return bytes == null;
        }

        boolean blank() {
            if (bytes == null) {
                return false;
            }
            for (byte b : bytes) {
                if (b != ' ' && b != '\t') {
                    return false;
                }
            }
            return true;
        }
    }

    private final InputStream in;
    private final int maxBytes;
    private byte[] buf = new byte[8192];
    private long number;

    JsonlLines(InputStream in, int maxBytes) {
        this.in = new BufferedInputStream(in, 1 << 16);
        this.maxBytes = maxBytes;
    }

    /** The next line, or null at the end of the file. */
    Line next() throws IOException {
        int size = 0;
        long length = 0;
        boolean oversized = false;
        int b;
        while ((b = in.read()) != -1) {
            length++;
            if (b == '\n') {
                break;
            }
            if (size >= maxBytes) {
                oversized = true;
                continue;
            }
            if (size == buf.length) {
                buf = Arrays.copyOf(buf, Math.min(maxBytes, buf.length * 2));
            }
            buf[size++] = (byte) b;
        }
        if (b == -1 && length == 0) {
            return null;
        }
        number++;
        if (oversized) {
            return new Line(number, null, length);
        }
        int end = size > 0 && buf[size - 1] == '\r' ? size - 1 : size;
        return new Line(number, Arrays.copyOf(buf, end), length);
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
