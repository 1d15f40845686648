package io.batchbridge.common.records;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The cacheable prefix of one request: the identity of its rendered prompt ({@code tools}, then {@code system},
 * then {@code messages}) up to the end of its <em>last</em> {@code cache_control} breakpoint, combined with the
 * model, and where its breakpoints' {@code cache_control} values sit in {@code params} (so their TTL can be
 * rewritten without parsing again). Requests with equal fingerprints would read each other's cache entries.
 *
 * @param fingerprint a 64-bit hash of the prefix's bytes (the {@code cache_control} keys and values left out) and
 *     the model; 0 means the request has no usable breakpoint
 * @param breakpoints offsets in {@code params} of each breakpoint's {@code cache_control} value (an object):
 *     start, end (exclusive), start, end, … in byte order
 */
public record PromptPrefix(long fingerprint, int[] breakpoints) {
    /** No breakpoint (or more than the API allows, or a shape the API will refuse): nothing to pack by. */
    public static final PromptPrefix NONE = new PromptPrefix(0, new int[0]);

    /** The {@code cache_control} value a primer's breakpoints are given. */
    static final byte[] ONE_HOUR = "{\"type\":\"ephemeral\",\"ttl\":\"1h\"}".getBytes(StandardCharsets.US_ASCII);

    public PromptPrefix {
        breakpoints = breakpoints.clone();
        if (fingerprint != 0 && (breakpoints.length == 0 || breakpoints.length % 2 != 0)) {
            throw new IllegalArgumentException("a prefix needs the ranges of its breakpoints' cache_control values");
        }
        for (int i = 0; i < breakpoints.length; i += 2) {
            int previousEnd = i == 0 ? 0 : breakpoints[i - 1];
            if (breakpoints[i] < previousEnd || breakpoints[i + 1] <= breakpoints[i]) {
                throw new IllegalArgumentException("breakpoint ranges must be ordered and not empty");
            }
        }
    }

    public boolean present() {
        return fingerprint != 0;
    }

    @Override
    public int[] breakpoints() {
        return breakpoints.clone();
    }

    /**
     * The same params with every breakpoint's {@code cache_control} replaced by the 1-hour TTL (the API wants
     * 1-hour breakpoints before 5-minute ones, so the last alone cannot be 1 hour); every other byte unchanged.
     * The fingerprint of the result is the same (cache_control values are not part of it).
     *
     * @throws IllegalStateException when there is no breakpoint or a range does not hold an object of {@code params}
     */
    public byte[] withOneHourTtl(byte[] params) {
        if (!present()) {
            throw new IllegalStateException("no breakpoint to rewrite");
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(params.length + 2 * ONE_HOUR.length);
        int at = 0;
        for (int i = 0; i < breakpoints.length; i += 2) {
            int start = breakpoints[i];
            int end = breakpoints[i + 1];
            if (end > params.length || params[start] != '{' || params[end - 1] != '}') {
                throw new IllegalStateException("no cache_control object at " + start + ".." + end);
            }
            out.write(params, at, start - at);
            out.writeBytes(ONE_HOUR);
            at = end;
        }
        out.write(params, at, params.length - at);
        return out.toByteArray();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PromptPrefix p
                && p.fingerprint == fingerprint
                && java.util.Arrays.equals(p.breakpoints, breakpoints);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(fingerprint) * 31 + java.util.Arrays.hashCode(breakpoints);
    }

    @Override
    public String toString() {
        return "PromptPrefix[" + Long.toHexString(fingerprint) + ", " + breakpoints.length / 2 + " breakpoint(s)]";
    }
}
