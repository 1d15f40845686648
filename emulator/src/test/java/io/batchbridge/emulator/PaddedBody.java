package io.batchbridge.emulator;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/** A generated request body: head, {@code padding} bytes of {@code x}, tail; never held in memory. */
final class PaddedBody extends InputStream {
    private final byte[] head;
    private final byte[] tail;
    private final long total;
    private long pos;

    PaddedBody(String head, long padding, String tail) {
        this.head = head.getBytes(StandardCharsets.UTF_8);
        this.tail = tail.getBytes(StandardCharsets.UTF_8);
        this.total = this.head.length + padding + this.tail.length;
    }

    @Override
    public int read() {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) {
        if (pos >= total) {
            return -1;
        }
        int n = (int) Math.min(len, total - pos);
        for (int i = 0; i < n; i++) {
            long p = pos + i;
            long tailStart = total - tail.length;
            b[off + i] = p < head.length ? head[(int) p] : p >= tailStart ? tail[(int) (p - tailStart)] : (byte) 'x';
        }
        pos += n;
        return n;
    }
}
