package io.batchbridge.emulator.internal;

import java.security.SecureRandom;
import java.util.SplittableRandom;

/**
 * Ids shaped like the API's: a prefix, {@code 01}, then 22 base-62 characters. Batch ids come from a seeded
 * generator (reproducible runs); derived ids ({@code msg_…}) are a pure function of a hash so every
 * download of a results file has the same bytes.
 */
public final class Ids {
    private static final char[] ALPHABET =
            "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".toCharArray();
    private final SplittableRandom batchRandom;
    private final SplittableRandom requestRandom = new SplittableRandom(new SecureRandom().nextLong());

    public Ids(long seed) {
        this.batchRandom = new SplittableRandom(seed);
    }

    public synchronized String batchId() {
        return make("msgbatch_", batchRandom.nextLong(), batchRandom.nextLong());
    }

    public synchronized String requestId() {
        return make("req_", requestRandom.nextLong(), requestRandom.nextLong());
    }

    /** A deterministic id derived from {@code hash}. */
    public static String derived(String prefix, long hash) {
        return make(prefix, hash, Hashing.mix(hash ^ 0x9E3779B97F4A7C15L));
    }

    private static String make(String prefix, long a, long b) {
        StringBuilder sb =
                new StringBuilder(prefix.length() + 24).append(prefix).append("01");
        long x = a;
        for (int i = 0; i < 22; i++) {
            if (i == 11) {
                x = b;
            }
            sb.append(ALPHABET[(int) Long.remainderUnsigned(x, 62)]);
            x = Long.divideUnsigned(x, 62);
        }
        return sb.toString();
    }
}
