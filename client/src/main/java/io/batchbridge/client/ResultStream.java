package io.batchbridge.client;

import io.batchbridge.client.internal.IdleWatchdog;
import io.batchbridge.client.internal.LineReader;
import io.batchbridge.client.internal.ReadAhead;
import io.batchbridge.client.internal.ResultLineParser;
import io.micrometer.core.instrument.Counter;
import java.io.IOException;
import java.io.InputStream;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * A batch's results, read lazily from the open HTTP response one line at a time. Memory stays bounded by the
 * longest line (capped by {@code bridge.api.results.max.line.bytes}), never by the file. Always close it
 * (try-with-resources); closing early aborts the download.
 *
 * <p>Failures surface from {@link #hasNext()} / {@link #next()} as {@link BatchesApiException}: a dropped
 * connection or truncated file as {@code stream_broken}, no bytes for the idle timeout as
 * {@code idle_timeout} (both retryable: open the results again and skip {@link #linesRead()} lines), an
 * unparsable line as {@code malformed_response}. For an ended batch the stream also checks that it delivered
 * as many lines as the batch has requests. Not thread-safe.
 *
 * <p>Opened with a read-ahead ({@link BatchesClient#results(MessageBatch, int)}), a thread of its own keeps
 * downloading into a fixed ring of that many bytes while the caller is busy between lines ({@link ReadAhead});
 * memory is then bounded by the ring plus the longest line.
 */
public final class ResultStream implements AutoCloseable, Iterator<ResultLine> {
    private static final int INITIAL_BUFFER = 256 * 1024;

    private final String batchId;
    private final long expectedLines;
    private final InputStream body;
    private final LineReader reader;
    private final ResultLineParser parser = new ResultLineParser();
    private final Counter bytesCounter;
    private final Counter linesCounter;
    private volatile boolean idleAborted;
    private ResultLine pending;
    private long lines;
    private long countedBytes;
    private boolean done;

    ResultStream(
            MessageBatch batch,
            InputStream body,
            int maxLineBytes,
            IdleWatchdog watchdog,
            int readAheadBytes,
            Counter bytesCounter,
            Counter linesCounter) {
        this.batchId = batch.id();
        this.expectedLines = batch.ended() ? batch.requestCounts().total() : -1;
        InputStream watched = watchdog.watch(body, () -> idleAborted = true);
        this.body =
                readAheadBytes > 0 ? new ReadAhead(watched, readAheadBytes, "api-results-reader-" + batchId) : watched;
        this.bytesCounter = bytesCounter;
        this.linesCounter = linesCounter;
        this.reader = new LineReader(this.body, INITIAL_BUFFER, maxLineBytes, () -> {});
    }

    @Override
    public boolean hasNext() {
        if (pending != null) {
            return true;
        }
        if (done) {
            return false;
        }
        pending = readNext();
        return pending != null;
    }

    @Override
    public ResultLine next() {
        if (!hasNext()) {
            throw new NoSuchElementException("no more results in batch " + batchId);
        }
        ResultLine line = pending;
        pending = null;
        return line;
    }

    /** The remaining lines as a sequential stream; closing the stream closes this. */
    public Stream<ResultLine> stream() {
        return StreamSupport.stream(
                        Spliterators.spliteratorUnknownSize(this, Spliterator.ORDERED | Spliterator.NONNULL), false)
                .onClose(this::close);
    }

    /** Lines returned so far (a resume point after a broken stream). */
    public long linesRead() {
        return lines;
    }

    /** Body bytes received so far. */
    public long bytesRead() {
        return reader.bytesRead();
    }

    /** The read buffer's current capacity: the memory this stream holds, whatever the file size. */
    public int bufferCapacity() {
        return reader.capacity();
    }

    @Override
    public void close() {
        done = true;
        pending = null;
        closeQuietly();
        countBytes();
    }

    /**
     * Aborts the download from another thread (the only method that may be called concurrently): the reading
     * thread's blocked or next read fails, and that thread then closes the stream.
     */
    public void abort() {
        closeQuietly();
    }

    private ResultLine readNext() {
        try {
            if (!reader.next()) {
                finish();
                return null;
            }
            ResultLine line = parseCurrent();
            lines++;
            linesCounter.increment();
            return line;
        } catch (IOException e) {
            throw fail(e);
        }
    }

    private ResultLine parseCurrent() throws IOException {
        try {
            return parser.parse(reader.buffer(), reader.lineStart(), reader.lineLength());
        } catch (IOException e) {
            if (!reader.terminated()) {
                throw new IOException("the results stream ended in the middle of line " + (lines + 1), e);
            }
            close();
            throw new BatchesApiException(
                    "results",
                    200,
                    BatchesApiException.MALFORMED_RESPONSE,
                    "line " + (lines + 1) + " of batch " + batchId + " is not a valid result line: "
                            + e.getClass().getSimpleName(),
                    null,
                    null,
                    false,
                    false,
                    e);
        }
    }

    private void finish() throws IOException {
        close();
        if (expectedLines > 0 && lines < expectedLines) {
            throw new IOException("the results stream ended after " + lines + " of " + expectedLines + " lines");
        }
    }

    private BatchesApiException fail(IOException e) {
        close();
        if (e instanceof LineReader.LineTooLongException) {
            return new BatchesApiException(
                    "results",
                    200,
                    BatchesApiException.MALFORMED_RESPONSE,
                    "batch " + batchId + ": " + e.getMessage(),
                    null,
                    null,
                    false,
                    false,
                    e);
        }
        String type = idleAborted ? BatchesApiException.IDLE_TIMEOUT : BatchesApiException.STREAM_BROKEN;
        String why = idleAborted
                ? "no bytes arrived for the idle-read timeout"
                : e.getClass().getSimpleName() + ": " + e.getMessage();
        return new BatchesApiException(
                "results",
                200,
                type,
                "results of batch " + batchId + " broke after " + lines + " lines (" + reader.bytesRead() + " bytes): "
                        + why,
                null,
                null,
                true,
                false,
                e);
    }

    private void closeQuietly() {
        try {
            body.close();
        } catch (IOException ignored) {
            // the connection is discarded either way
        }
    }

    private void countBytes() {
        long total = reader.bytesRead();
        bytesCounter.increment(total - countedBytes);
        countedBytes = total;
    }
}
