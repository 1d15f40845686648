package io.batchbridge.common.records;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * A 64-bit hash of a stream of byte ranges of one array, leaving out given ranges: the same bytes give the same
 * hash however they are split into ranges. Eight bytes at a time where it can. Not cryptographic: a producer can
 * craft a collision, which only packs two prefixes of its lane together or holds one behind the other's primer
 * (a delay of at most the primer's max wait, or a cache miss); it never changes what is sent or who gets which
 * answer (docs/caching.md).
 */
final class PrefixHash {
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long C1 = 0x87c37b91114253d5L;
    private static final long C2 = 0x4cf5ad432745937fL;

    private final byte[] src;
    private final long[][] excluded;
    private long h = 0x9e3779b97f4a7c15L;
    private long word;
    private int filled;
    private long length;

    /** @param excluded ranges {start, end} of {@code src} never hashed, sorted by start */
    PrefixHash(byte[] src, long[][] excluded) {
        this.src = src;
        this.excluded = excluded;
    }

    /** A string (the model), with its length so it cannot run into what follows. */
    void text(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        marker(b.length);
        for (byte x : b) {
            add(x);
        }
    }

    /** A separator that no byte content can imitate (sections, absent sections). */
    void marker(long v) {
        flush();
        h = round(h, ~v);
    }

    /** The bytes {@code [from, to)} of the array, without the excluded ranges. */
    void bytes(long from, long to) {
        long at = Math.max(0, from);
        long end = Math.min(to, src.length);
        for (long[] x : excluded) {
            if (x[1] <= at || x[0] >= end) {
                continue;
            }
            range((int) at, (int) Math.min(x[0], end));
            at = Math.max(at, x[1]);
        }
        if (at < end) {
            range((int) at, (int) end);
        }
    }

    private void range(int from, int to) {
        int i = from;
        while (i < to && filled != 0) {
            add(src[i++]);
        }
        for (; i + 8 <= to; i += 8) {
            h = round(h, (long) LONGS.get(src, i));
            length += 8;
        }
        while (i < to) {
            add(src[i++]);
        }
    }

    private void add(byte b) {
        word |= (b & 0xffL) << (8 * filled);
        length++;
        if (++filled == 8) {
            h = round(h, word);
            word = 0;
            filled = 0;
        }
    }

    private void flush() {
        if (filled != 0) {
            h = round(h, word ^ ((long) filled << 59));
            word = 0;
            filled = 0;
        }
    }

    long finish() {
        flush();
        return fmix(h ^ length);
    }

    private static long round(long h, long k) {
        k *= C1;
        k = Long.rotateLeft(k, 31);
        k *= C2;
        h ^= k;
        return Long.rotateLeft(h, 27) * 5 + 0x52dce729;
    }

    private static long fmix(long k) {
        k ^= k >>> 33;
        k *= 0xff51afd7ed558ccdL;
        k ^= k >>> 33;
        k *= 0xc4ceb9fe1a85ec53L;
        k ^= k >>> 33;
        return k;
    }
}
