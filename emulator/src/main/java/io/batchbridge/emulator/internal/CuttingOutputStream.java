package io.batchbridge.emulator.internal;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/** Passes {@code limit} bytes through, flushes them, then throws {@link Dropped} (a mid-stream cut). */
final class CuttingOutputStream extends FilterOutputStream {
    private long left;

    CuttingOutputStream(OutputStream out, long limit) {
        super(out);
        this.left = limit;
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        if (len < left) {
            out.write(b, off, len);
            left -= len;
            return;
        }
        out.write(b, off, (int) left);
        left = 0;
        out.flush();
        throw new Dropped();
    }

    @Override
    public void close() throws IOException {
        // Closing would end the chunked body cleanly: a cut stream must never look complete.
        out.flush();
        throw new Dropped();
    }
}
