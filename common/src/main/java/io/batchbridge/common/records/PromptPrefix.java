package io.batchbridge.common.records;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The cacheable prefix of one request: the identity of its rendered prompt ({@code tools}, then {@code system},
 * then {@code messages}) up to the end of its <em>last</em> {@code cache_control} breakpoint, combined with the
 * model, and where that breakpoint's {@code cache_control} value sits in {@code params} (so its TTL can be
 * rewritten without parsing again). Requests with equal fingerprints would read each other's cache entries.
 *
 * @param fingerprint a 64-bit hash of the prefix's bytes (the {@code cache_control} keys and values left out) and
 *     the model; 0 means the request has no usable breakpoint
 * @param ttlStart offset in {@code params} of the last breakpoint's {@code cache_control} value (an object)
 * @param ttlEnd offset in {@code params} just after that value
 */
public record PromptPrefix(long fingerprint, int ttlStart, int ttlEnd) {
    /** No breakpoint (or more than the API allows, or a shape the API will refuse): nothing to pack by. */
    public static final PromptPrefix NONE = new PromptPrefix(0, 0, 0);

    /** The {@code cache_control} value a primer's last breakpoint is given. */
    static final byte[] ONE_HOUR = "{\"type\":\"ephemeral\",\"ttl\":\"1h\"}".getBytes(StandardCharsets.US_ASCII);

    public PromptPrefix {
        if (fingerprint != 0 && (ttlStart < 0 || ttlEnd <= ttlStart)) {
            throw new IllegalArgumentException("a breakpoint's cache_control value needs a range");
        }
    }

    public boolean present() {
        return fingerprint != 0;
    }

    /**
     * The same params with the last breakpoint's {@code cache_control} replaced by the 1-hour TTL; every other
     * byte unchanged. The fingerprint of the result is the same (cache_control values are not part of it).
     *
     * @throws IllegalStateException when there is no breakpoint or the range does not fit {@code params}
     */
    public byte[] withOneHourTtl(byte[] params) {
        if (!present() || ttlEnd > params.length || params[ttlStart] != '{' || params[ttlEnd - 1] != '}') {
            throw new IllegalStateException("no breakpoint to rewrite at " + ttlStart + ".." + ttlEnd);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(params.length + ONE_HOUR.length);
        out.write(params, 0, ttlStart);
        out.writeBytes(ONE_HOUR);
        out.write(params, ttlEnd, params.length - ttlEnd);
        return out.toByteArray();
    }
}
