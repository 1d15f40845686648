package io.batchbridge.client.internal;

import io.batchbridge.common.lifecycle.Threads;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Reads a stream ahead of its consumer on a thread of its own, into one ring of {@code capacity} bytes allocated
 * once. The download then goes on while the consumer is busy elsewhere (say, committing a Kafka transaction):
 * without it the JDK HTTP client's body stream hands over one chunk and asks the server for the next only once
 * that chunk is taken, so downloading and consuming alternate.
 *
 * <p>Memory is the ring and nothing else: the reader thread copies into it and allocates no per-line or per-chunk
 * arrays, so read-ahead adds a fixed amount of heap that does not depend on line sizes or GC timing. The reader
 * waits while the ring is full (that wait is not a read, so an {@link IdleWatchdog} on the source does not count
 * it). A failure of the source is rethrown, unchanged, by the consumer's read that reaches it; bytes read before
 * it are delivered first. Closing (from any thread) stops the reader and closes the source; a consumer blocked in
 * a read then fails.
 */
public final class ReadAhead extends InputStream {
    private final InputStream source;
    private final byte[] ring;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition data = lock.newCondition();
    private final Condition space = lock.newCondition();
    private final Thread reader;
    /** Bytes written into the ring and taken from it since the start; guarded by {@link #lock}. */
    private long written;

    private long taken;
    private boolean eof;
    private boolean closed;
    private IOException failure;

    public ReadAhead(InputStream source, int capacity, String threadName) {
        if (capacity <= 0) {
            throw new IllegalArgumentException("capacity must be positive: " + capacity);
        }
        this.source = source;
        this.ring = new byte[capacity];
        this.reader = Threads.daemon(threadName, this::pump);
        this.reader.start();
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        long from;
        int n;
        lock.lock();
        try {
            while (written == taken && !eof && failure == null && !closed) {
                data.await();
            }
            if (closed) {
                throw new IOException("the results stream was closed");
            }
            if (written == taken) {
                if (failure != null) {
                    throw failure;
                }
                return -1;
            }
            from = taken;
            int at = (int) (from % ring.length);
            n = (int) Math.min(Math.min(len, written - from), ring.length - at);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for result bytes");
        } finally {
            lock.unlock();
        }
        // The reader never writes into bytes not yet taken, so the copy needs no lock.
        System.arraycopy(ring, (int) (from % ring.length), b, off, n);
        lock.lock();
        try {
            boolean wasFull = written - taken == ring.length;
            taken += n;
            if (wasFull) {
                space.signal();
            }
        } finally {
            lock.unlock();
        }
        return n;
    }

    @Override
    public int available() {
        lock.lock();
        try {
            return (int) (written - taken);
        } finally {
            lock.unlock();
        }
    }

    /** Bytes read from the source and not yet taken (for tests of the bound). */
    public int buffered() {
        return available();
    }

    /** Stops the reader and closes the source; safe from any thread and more than once. */
    @Override
    public void close() throws IOException {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            data.signalAll();
            space.signalAll();
        } finally {
            lock.unlock();
        }
        try {
            source.close();
        } finally {
            if (Thread.currentThread() != reader) {
                try {
                    reader.join(TimeUnit.SECONDS.toMillis(10));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    private void pump() {
        try {
            while (true) {
                int at;
                int room;
                lock.lock();
                try {
                    while (!closed && written - taken == ring.length) {
                        space.awaitUninterruptibly();
                    }
                    if (closed) {
                        return;
                    }
                    at = (int) (written % ring.length);
                    room = (int) Math.min(ring.length - (written - taken), ring.length - at);
                } finally {
                    lock.unlock();
                }
                // Outside the lock: the consumer never reads bytes not yet written.
                int n = source.read(ring, at, room);
                lock.lock();
                try {
                    if (n < 0) {
                        eof = true;
                    } else {
                        boolean wasEmpty = written == taken;
                        written += n;
                        if (!wasEmpty) {
                            continue;
                        }
                    }
                    data.signal();
                } finally {
                    lock.unlock();
                }
                if (n < 0) {
                    return;
                }
            }
        } catch (IOException e) {
            finish(e);
        } catch (RuntimeException e) {
            finish(new IOException("the results reader failed: " + e, e));
        }
    }

    private void finish(IOException e) {
        lock.lock();
        try {
            failure = e;
            data.signal();
        } finally {
            lock.unlock();
        }
    }
}
