package io.batchbridge.emulator.internal;

import java.nio.charset.StandardCharsets;

/** Small deterministic hashes (FNV-1a folded through a SplitMix64 finaliser). */
public final class Hashing {
    private Hashing() {}

    public static long hash(long seed, String... parts) {
        long h = 0xcbf29ce484222325L ^ mix(seed);
        for (String part : parts) {
            for (byte b : part.getBytes(StandardCharsets.UTF_8)) {
                h ^= b & 0xff;
                h *= 0x100000001b3L;
            }
            h ^= 0xff;
            h *= 0x100000001b3L;
        }
        return mix(h);
    }

    public static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    /** A uniform double in [0, 1) from a hash. */
    public static double unit(long h) {
        return (h >>> 11) * 0x1.0p-53;
    }
}
