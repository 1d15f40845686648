package io.batchbridge.worker.internal;

import io.batchbridge.client.ResultLine;
import io.batchbridge.client.ResultStream;
import io.batchbridge.common.lifecycle.Threads;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.kafka.common.KafkaException;

/**
 * Reads a results stream ahead of the fan-out on its own thread, so downloading, splitting and parsing the
 * next lines overlaps with compressing, sending and committing the current ones (the fan-out thread is
 * otherwise idle during every transaction commit). The read-ahead is bounded by {@code maxBytes} of message
 * bytes, except that one line is always admitted, so memory stays bounded by configuration plus the longest
 * line. A failure of the stream is rethrown, unchanged, by the {@link #hasNext()} that reaches it.
 *
 * <p>Lines read ahead but not yet taken are never delivered: closing discards them, and a resumed fan-out reads
 * them again from its checkpoint. Owned by one fan-out thread; the reader thread only fills the queue.
 */
final class PrefetchedResults implements Iterator<ResultLine>, AutoCloseable {
    private static final Object END = new Object();

    private final Iterator<ResultLine> source;
    private final Runnable abort;
    private final Runnable release;
    private final long maxBytes;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition notEmpty = lock.newCondition();
    private final Condition notFull = lock.newCondition();
    private final ArrayDeque<Object> queue = new ArrayDeque<>();
    private final Thread reader;
    private long queuedBytes;
    private boolean closed;
    private Object head;

    PrefetchedResults(ResultStream stream, long maxBytes, String threadName) {
        this(stream, stream::abort, stream::close, maxBytes, threadName);
    }

    /**
     * @param abort stops the source from another thread (its blocked read fails)
     * @param release closes the source, on the reader thread once it stops
     */
    PrefetchedResults(Iterator<ResultLine> source, Runnable abort, Runnable release, long maxBytes, String threadName) {
        this.source = source;
        this.abort = abort;
        this.release = release;
        this.maxBytes = maxBytes;
        this.reader = Threads.daemon(threadName, this::pump);
        this.reader.start();
    }

    /** True while a line is waiting; throws the stream's failure when the reader met one. */
    @Override
    public boolean hasNext() {
        if (head == null) {
            head = take();
        }
        if (head instanceof RuntimeException e) {
            throw e;
        }
        return head != END;
    }

    @Override
    public ResultLine next() {
        if (!hasNext()) {
            throw new NoSuchElementException("no more results");
        }
        ResultLine line = (ResultLine) head;
        head = null;
        return line;
    }

    /** Message bytes read ahead and not yet taken (for tests of the bound). */
    long queuedBytes() {
        lock.lock();
        try {
            return queuedBytes;
        } finally {
            lock.unlock();
        }
    }

    /** Stops the reader, aborts the download and discards what was read ahead. */
    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            queue.clear();
            queuedBytes = 0;
            notFull.signalAll();
        } finally {
            lock.unlock();
        }
        abort.run();
        try {
            reader.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private Object take() {
        lock.lock();
        try {
            while (queue.isEmpty()) {
                notEmpty.await();
            }
            Object item = queue.poll();
            if (item instanceof ResultLine line) {
                queuedBytes -= size(line);
                notFull.signalAll();
            }
            return item;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaException("interrupted while waiting for result lines");
        } finally {
            lock.unlock();
        }
    }

    private void pump() {
        try {
            while (source.hasNext()) {
                if (!put(source.next())) {
                    return;
                }
            }
            put(END);
        } catch (RuntimeException e) {
            put(e);
        } catch (Error e) {
            put(new KafkaException("the results reader thread failed: " + e, e));
            throw e;
        } finally {
            release.run();
        }
    }

    /** False once closed: the reader stops. */
    private boolean put(Object item) {
        long size = item instanceof ResultLine line ? size(line) : 0;
        lock.lock();
        try {
            while (!closed && !queue.isEmpty() && queuedBytes + size > maxBytes) {
                notFull.awaitUninterruptibly();
            }
            if (closed) {
                return false;
            }
            queue.add(item);
            queuedBytes += size;
            notEmpty.signal();
            return true;
        } finally {
            lock.unlock();
        }
    }

    private static long size(ResultLine line) {
        byte[] m = line.message();
        return m == null ? 64 : m.length + 64L;
    }
}
