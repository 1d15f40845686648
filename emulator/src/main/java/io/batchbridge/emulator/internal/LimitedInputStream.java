package io.batchbridge.emulator.internal;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/** Counts bytes read and fails with {@link TooLarge} once more than {@code limit} bytes arrived. */
public final class LimitedInputStream extends FilterInputStream {
    private final long limit;
    private long count;

    /** Thrown when the body exceeds the limit. */
    public static final class TooLarge extends IOException {
        private static final long serialVersionUID = 1L;

        TooLarge() {
            super("request body too large", null);
        }
    }

    public LimitedInputStream(InputStream in, long limit) {
        super(in);
        this.limit = limit;
    }

    @Override
    public int read() throws IOException {
        int b = super.read();
        if (b >= 0) {
            add(1);
        }
        return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = super.read(b, off, len);
        if (n > 0) {
            add(n);
        }
        return n;
    }

    private void add(long n) throws TooLarge {
        count += n;
        if (count > limit) {
            throw new TooLarge();
        }
    }

    /** Reads and discards the rest of the body, up to {@code max} more bytes; true when it ended. */
    public boolean drain(long max) throws IOException {
        byte[] buf = new byte[64 * 1024];
        long drained = 0;
        int n;
        while (drained < max && (n = in.read(buf)) > 0) {
            drained += n;
            count += n;
        }
        return drained < max;
    }

    public long count() {
        return count;
    }
}
