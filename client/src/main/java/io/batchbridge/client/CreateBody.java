package io.batchbridge.client;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The body of a create call, assembled from the requests' raw {@code params} bytes without re-serialising
 * them: {@code {"requests":[{"custom_id":"…","params":<raw>},…]}}. Unknown fields, number formats, key order
 * and unicode escapes in {@code params} reach the API exactly as the producer wrote them. The body lives in
 * memory ({@link #inMemory()}) or in a spool file ({@link #spooled(Path)}), so a 256 MB batch need not sit on
 * the heap; a spool file belongs to the caller, who deletes it after the create call.
 */
public final class CreateBody {
    /** The API's limit on requests per batch. */
    public static final int MAX_REQUESTS = 100_000;

    private static final Pattern CUSTOM_ID = Pattern.compile("^[a-zA-Z0-9_-]{1,64}$");
    private static final JsonFactory JSON = new JsonFactory();
    private static final byte[] HEAD = ascii("{\"requests\":[");
    private static final byte[] TAIL = ascii("]}");
    private static final byte[] ITEM_HEAD = ascii("{\"custom_id\":\"");
    private static final byte[] ITEM_PARAMS = ascii("\",\"params\":");

    private final byte[] bytes;
    private final Path file;
    private final long sizeBytes;
    private final int requestCount;

    private CreateBody(byte[] bytes, Path file, long sizeBytes, int requestCount) {
        this.bytes = bytes;
        this.file = file;
        this.sizeBytes = sizeBytes;
        this.requestCount = requestCount;
    }

    /** A builder that keeps the body in memory. */
    public static Builder inMemory() {
        return new Builder(new ByteArrayOutputStream(64 * 1024), null);
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
        if (bytes != null) {
            out.write(bytes);
        } else {
            Files.copy(file, out);
        }
    }

    /** A publisher that can be subscribed again (a create retried after a refused connection resends it). */
    HttpRequest.BodyPublisher publisher() {
        if (bytes != null) {
            return HttpRequest.BodyPublishers.ofByteArray(bytes);
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
        private final ByteArrayOutputStream memory;
        private final Path file;
        private final Set<String> customIds = new HashSet<>();
        private long size;
        private boolean built;

        private Builder(OutputStream out, Path file) {
            this.out = out;
            this.memory = out instanceof ByteArrayOutputStream b ? b : null;
            this.file = file;
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
            Objects.requireNonNull(customId, "customId");
            Objects.requireNonNull(rawParams, "rawParams");
            if (built) {
                throw new IllegalStateException("body already built");
            }
            if (!CUSTOM_ID.matcher(customId).matches()) {
                throw new IllegalArgumentException(
                        "custom_id must match " + CUSTOM_ID.pattern() + " but was " + customId);
            }
            if (customIds.size() >= MAX_REQUESTS) {
                throw new IllegalStateException("a batch holds at most " + MAX_REQUESTS + " requests");
            }
            requireJsonObject(customId, rawParams);
            if (!customIds.add(customId)) {
                throw new IllegalArgumentException(
                        "custom_id must be unique within a batch but " + customId + " repeats");
            }
            if (customIds.size() > 1) {
                write(new byte[] {','});
            }
            write(ITEM_HEAD);
            write(ascii(customId));
            write(ITEM_PARAMS);
            write(rawParams);
            write(new byte[] {'}'});
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
            try {
                out.close();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot finish spool file " + file, e);
            }
            int count = customIds.size();
            customIds.clear();
            return new CreateBody(memory == null ? null : memory.toByteArray(), file, size, count);
        }

        private void write(byte[] b) {
            try {
                out.write(b);
                size += b.length;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write spool file " + file, e);
            }
        }

        private static void requireJsonObject(String customId, byte[] raw) {
            try (JsonParser p = JSON.createParser(raw)) {
                if (p.nextToken() != JsonToken.START_OBJECT) {
                    throw new IllegalArgumentException("params of " + customId + " must be a JSON object");
                }
                p.skipChildren();
                if (p.nextToken() != null) {
                    throw new IllegalArgumentException("params of " + customId + " must hold exactly one JSON object");
                }
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalArgumentException(
                        "params of " + customId + " are not valid JSON: " + e.getOriginalMessage(), e);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
