package io.batchbridge.client.internal;

import java.io.IOException;
import java.io.InputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Splits a byte stream on {@code \n} into one reusable, growable buffer. A line is exposed as a range of
 * {@link #buffer()} valid until the next call to {@link #next()}; nothing is copied unless a line straddles
 * a read boundary (then the partial line moves to the front). The buffer grows for long lines up to
 * {@code maxLineBytes} and never beyond, so memory is bounded by configuration, not by the file. Blank
 * lines and a trailing {@code \r} are skipped.
 */
public final class LineReader {
    /** A line longer than the configured cap. */
    public static final class LineTooLongException extends IOException {
        private static final long serialVersionUID = 1L;

        LineTooLongException(String message) {
            super(message);
        }
    }

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long NEWLINES = 0x0A0A0A0A0A0A0A0AL;
    private static final long ONES = 0x0101010101010101L;
    private static final long HIGHS = 0x8080808080808080L;

    private final InputStream in;
    private final int maxLineBytes;
    private final Runnable onBytes;
    private byte[] buf;
    private int start;
    private int end;
    private int scan;
    private int lineStart;
    private int lineLength;
    private boolean terminated;
    private boolean eof;
    private long bytesRead;

    /**
     * @param onBytes called after every successful read (the idle watchdog's heartbeat)
     */
    public LineReader(InputStream in, int initialCapacity, int maxLineBytes, Runnable onBytes) {
        this.in = in;
        this.maxLineBytes = maxLineBytes;
        this.onBytes = onBytes;
        this.buf = new byte[Math.min(initialCapacity, maxLineBytes + 1)];
    }

    /** Advances to the next non-blank line; false at the end of the stream. */
    public boolean next() throws IOException {
        while (true) {
            int nl = indexOfNewline();
            if (nl >= 0) {
                boolean found = take(nl, nl + 1, true);
                if (found) {
                    return true;
                }
                continue;
            }
            if (eof) {
                return start < end && take(end, end, false);
            }
            fill();
        }
    }

    public byte[] buffer() {
        return buf;
    }

    public int lineStart() {
        return lineStart;
    }

    public int lineLength() {
        return lineLength;
    }

    /** False when the current line is the stream's last and had no {@code \n} (a possibly truncated file). */
    public boolean terminated() {
        return terminated;
    }

    public long bytesRead() {
        return bytesRead;
    }

    /** The buffer's current capacity (for tests of the memory bound). */
    public int capacity() {
        return buf.length;
    }

    /**
     * Finds the next {@code \n} from {@code scan}, eight bytes at a time (SWAR: a word's zero bytes after XOR with
     * a word of newlines); results lines are 4 KB to over 1 MB, so this scan is a hot loop of the fan-out.
     */
    private int indexOfNewline() {
        byte[] b = buf;
        int i = scan;
        for (int last = end - Long.BYTES; i <= last; i += Long.BYTES) {
            long x = (long) LONGS.get(b, i) ^ NEWLINES;
            long found = (x - ONES) & ~x & HIGHS;
            if (found != 0) {
                return i + (Long.numberOfTrailingZeros(found) >>> 3);
            }
        }
        for (; i < end; i++) {
            if (b[i] == '\n') {
                return i;
            }
        }
        scan = end;
        return -1;
    }

    private boolean take(int lineEnd, int next, boolean withNewline) throws IOException {
        int len = lineEnd - start;
        if (len > 0 && buf[lineEnd - 1] == '\r') {
            len--;
        }
        if (len > maxLineBytes) {
            throw new LineTooLongException("a results line is longer than " + maxLineBytes + " bytes");
        }
        lineStart = start;
        lineLength = len;
        terminated = withNewline;
        start = next;
        scan = next;
        if (!withNewline) {
            end = next;
        }
        return len > 0;
    }

    private void fill() throws IOException {
        if (start > 0) {
            int pending = end - start;
            System.arraycopy(buf, start, buf, 0, pending);
            scan -= start;
            end = pending;
            start = 0;
        }
        if (end == buf.length) {
            if (buf.length > maxLineBytes) {
                throw new LineTooLongException("a results line is longer than " + maxLineBytes + " bytes");
            }
            int grown = (int) Math.min((long) maxLineBytes + 1, Math.max(1024L, (long) buf.length * 2));
            buf = Arrays.copyOf(buf, grown);
        }
        int n = in.read(buf, end, buf.length - end);
        if (n < 0) {
            eof = true;
            return;
        }
        end += n;
        bytesRead += n;
        onBytes.run();
    }
}
