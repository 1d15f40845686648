package io.batchbridge.client;

import io.batchbridge.client.internal.ByteChunksPublisher;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The body of a create call, assembled from the requests' raw {@code params} bytes without re-serialising
 * them: {@code {"requests":[{"custom_id":"…","params":<raw>},…]}}. Unknown fields, number formats, key order
 * and unicode escapes in {@code params} reach the API exactly as the producer wrote them. The body lives in
 * memory ({@link #inMemory()}) or in a spool file ({@link #spooled(Path)}), so a 256 MB batch need not sit on
 * the heap; a spool file belongs to the caller, who deletes it after the create call.
 *
 * <p>In memory, the body is a list of chunks (4 KB doubling to 1 MB) that are filled once and sent as they are:
 * no array is ever grown by copying, no final copy is made, and the HTTP client is handed read-only views
 * instead of copying the body into its own buffers (the intake profile showed those copies, and the re-parse
 * of every {@code params}, as most of the create thread's work; see {@link Builder#addParsed}). Large params
 * added with {@link Builder#addParsed} are not even copied: the body holds a view of the caller's array between
 * the chunks of framing.
 */
public final class CreateBody {
    /** The API's limit on requests per batch. */
    public static final int MAX_REQUESTS = 100_000;

    private static final byte[] HEAD = ascii("{\"requests\":[");
    private static final byte[] TAIL = ascii("]}");
    private static final byte[] ITEM_HEAD = ascii("{\"custom_id\":\"");
    private static final byte[] ITEM_PARAMS = ascii("\",\"params\":");
    private static final int FIRST_CHUNK = 4 * 1024;
    private static final int MAX_CHUNK = 1024 * 1024;
    /**
     * Params at least this large are referenced, not copied, by {@link Builder#addParsed} in memory. Smaller ones
     * are copied: every buffer costs the JDK HTTP client a hand-off of its own, and with a view per 2 KB request
     * its sending thread used ~10x the CPU (250 ms per 100,000 requests) that the copy saved on the create thread.
     */
    static final int MIN_REFERENCED_PARAMS = 64 * 1024;

    private final List<ByteBuffer> chunks;
    private final Path file;
    private final long sizeBytes;
    private final int requestCount;

    private CreateBody(List<ByteBuffer> chunks, Path file, long sizeBytes, int requestCount) {
        this.chunks = chunks;
        this.file = file;
        this.sizeBytes = sizeBytes;
        this.requestCount = requestCount;
    }

    /** A builder that keeps the body in memory. */
    public static Builder inMemory() {
        return new Builder(null, null);
    }

    /** A builder that writes the body to {@code file} (created or truncated). */
    public static Builder spooled(Path file) {
        try {
            return new Builder(new BufferedOutputStream(Files.newOutputStream(file), 256 * 1024), file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open spool file " + file, e);
        }
    }

    /** The exact number of bytes sent. */
    public long sizeBytes() {
        return sizeBytes;
    }

    public int requestCount() {
        return requestCount;
    }

    /** The spool file, if this body is spooled. */
    public java.util.Optional<Path> file() {
        return java.util.Optional.ofNullable(file);
    }

    /** Copies the body to {@code out} (for diagnostics and tests; the client streams it itself). */
    public void writeTo(OutputStream out) throws IOException {
        if (chunks != null) {
            for (ByteBuffer c : chunks) {
                out.write(c.array(), c.arrayOffset() + c.position(), c.remaining());
            }
        } else {
            Files.copy(file, out);
        }
    }

    /** A publisher that can be subscribed again (a create retried after a refused connection resends it). */
    HttpRequest.BodyPublisher publisher() {
        if (chunks != null) {
            return HttpRequest.BodyPublishers.fromPublisher(new ByteChunksPublisher(chunks), sizeBytes);
        }
        try {
            return HttpRequest.BodyPublishers.ofFile(file);
        } catch (IOException e) {
            throw new UncheckedIOException("spool file " + file + " is gone", e);
        }
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /** Appends requests; not thread-safe. */
    public static final class Builder {
        private final OutputStream out;
        private final Path file;
        private final List<ByteBuffer> chunks;
        private final Set<String> customIds = new HashSet<>();
        private byte[] chunk;
        /** The current chunk's bytes from {@code start} to {@code used} are not in {@code chunks} yet. */
        private int start;

        private int used;
        private long size;
        private boolean built;

        private Builder(OutputStream out, Path file) {
            this.out = out;
            this.file = file;
            this.chunks = out == null ? new ArrayList<>() : null;
            write(HEAD);
        }

        /**
         * Appends one request.
         *
         * @param customId must match {@code ^[a-zA-Z0-9_-]{1,64}$} and be unique in this body
         * @param rawParams one complete JSON object, copied verbatim
         * @return the size the body would have if built now, in bytes (compare with the API's 256 MB cap)
         */
        public long add(String customId, byte[] rawParams) {
            return append(customId, rawParams, true);
        }

        /**
         * Appends one request whose params a JSON parser has already read as exactly one object, as
         * {@code EnvelopeCodec} does for every request envelope: the full re-parse of {@link #add} is skipped
         * (it was most of the cost of assembling a body), only the framing is checked (the first and last
         * non-blank bytes are braces). Should the bytes still be broken, the API rejects the batch with a 400,
         * which callers already isolate by bisection.
         *
         * <p>In memory, {@code rawParams} of {@value #MIN_REFERENCED_PARAMS} bytes or more is referenced, not
         * copied: the array must not change until the body has been sent.
         *
         * @param customId must match {@code ^[a-zA-Z0-9_-]{1,64}$} and be unique in this body
         * @param rawParams one complete JSON object, sent verbatim
         * @return the size the body would have if built now, in bytes
         */
        public long addParsed(String customId, byte[] rawParams) {
            return append(customId, rawParams, false);
        }

        private long append(String customId, byte[] rawParams, boolean parse) {
            Objects.requireNonNull(customId, "customId");
            Objects.requireNonNull(rawParams, "rawParams");
            if (built) {
                throw new IllegalStateException("body already built");
            }
            if (!CreateBodyChecks.validCustomId(customId)) {
                throw new IllegalArgumentException("custom_id must match ^[a-zA-Z0-9_-]{1,64}$ but was " + customId);
            }
            if (customIds.size() >= MAX_REQUESTS) {
                throw new IllegalStateException("a batch holds at most " + MAX_REQUESTS + " requests");
            }
            if (parse) {
                CreateBodyChecks.requireJsonObject(customId, rawParams);
            } else if (!CreateBodyChecks.framedAsObject(rawParams)) {
                throw new IllegalArgumentException("params of " + customId + " must be a JSON object");
            }
            if (!customIds.add(customId)) {
                throw new IllegalArgumentException(
                        "custom_id must be unique within a batch but " + customId + " repeats");
            }
            if (customIds.size() > 1) {
                write((byte) ',');
            }
            write(ITEM_HEAD);
            writeAscii(customId);
            write(ITEM_PARAMS);
            if (!parse && chunks != null && rawParams.length >= MIN_REFERENCED_PARAMS) {
                reference(rawParams);
            } else {
                write(rawParams);
            }
            write((byte) '}');
            return size + TAIL.length;
        }

        public int requestCount() {
            return customIds.size();
        }

        /** Closes the body; at least one request is required (the API rejects an empty batch). */
        public CreateBody build() {
            if (customIds.isEmpty()) {
                throw new IllegalStateException("a batch needs at least one request");
            }
            write(TAIL);
            built = true;
            int count = customIds.size();
            customIds.clear();
            if (chunks != null) {
                closeChunk();
                return new CreateBody(List.copyOf(chunks), null, size, count);
            }
            try {
                out.close();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot finish spool file " + file, e);
            }
            return new CreateBody(null, file, size, count);
        }

        private void write(byte[] b) {
            if (chunks == null) {
                spool(o -> o.write(b));
            } else {
                int off = 0;
                while (off < b.length) {
                    int n = Math.min(room(), b.length - off);
                    System.arraycopy(b, off, chunk, used, n);
                    used += n;
                    off += n;
                }
            }
            size += b.length;
        }

        private void write(byte b) {
            if (chunks == null) {
                spool(o -> o.write(b));
            } else {
                room();
                chunk[used++] = b;
            }
            size++;
        }

        /** One write to the spool file; an I/O failure is unchecked (the create fails, nothing is lost). */
        private void spool(SpoolWrite w) {
            try {
                w.to(out);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write spool file " + file, e);
            }
        }

        /** custom ids are ASCII (checked before): one byte per char, no encoder, no array. */
        private void writeAscii(String s) {
            for (int i = 0; i < s.length(); i++) {
                write((byte) s.charAt(i));
            }
        }

        /** Free bytes in the current chunk; starts the next one (twice as large, up to 1 MB) when full. */
        private int room() {
            if (chunk == null || used == chunk.length) {
                closeChunk();
                chunk = new byte[chunk == null ? FIRST_CHUNK : Math.min(MAX_CHUNK, chunk.length * 2)];
                start = 0;
                used = 0;
            }
            return chunk.length - used;
        }

        /** Sends the array itself after what was written so far; the chunk goes on filling after the view. */
        private void reference(byte[] b) {
            closeChunk();
            chunks.add(ByteBuffer.wrap(b));
            size += b.length;
        }

        private void closeChunk() {
            if (chunk != null && used > start) {
                chunks.add(ByteBuffer.wrap(chunk, start, used - start));
                start = used;
            }
        }

        @FunctionalInterface
        private interface SpoolWrite {
            void to(OutputStream out) throws IOException;
        }
    }
}
