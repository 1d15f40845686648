package io.batchbridge.emulator.internal;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

/**
 * One megabyte of pseudo-random English-like ASCII text (letters, spaces, commas, full stops: nothing that
 * needs JSON escaping, so one byte is one character). A generated output of {@code n} tokens is the
 * {@code 4n} characters of this pool starting at an offset chosen by the request's hash, wrapping around.
 */
public final class TextPool {
    public static final int CHARS_PER_TOKEN = 4;
    private static final int SIZE = 1 << 20;
    private static final String[] WORDS =
            ("the of and to in is that for it as with was on be by this are from at or an which "
                            + "batch kafka token stream result model request partition offset record topic broker "
                            + "message output input cache window latency throughput emulator generated deterministic "
                            + "river mountain quiet lantern harbor meadow copper signal orbit ledger garden echo "
                            + "careful steady bright gentle rapid distant hollow silver amber northern")
                    .split(" ");

    private static final byte[] POOL = build();

    private TextPool() {}

    private static byte[] build() {
        SplittableRandom r = new SplittableRandom(20261021L);
        StringBuilder sb = new StringBuilder(SIZE + 64);
        boolean capital = true;
        int inSentence = 0;
        while (sb.length() < SIZE) {
            String w = WORDS[r.nextInt(WORDS.length)];
            sb.append(capital ? Character.toUpperCase(w.charAt(0)) + w.substring(1) : w);
            capital = false;
            inSentence++;
            if (inSentence > 6 && r.nextInt(8) == 0) {
                sb.append(". ");
                capital = true;
                inSentence = 0;
            } else if (r.nextInt(12) == 0) {
                sb.append(", ");
            } else {
                sb.append(' ');
            }
        }
        sb.setLength(SIZE);
        return sb.toString().getBytes(StandardCharsets.US_ASCII);
    }

    /** The pool bytes (do not modify). */
    static byte[] bytes() {
        return POOL;
    }

    /** The starting offset for a request hash. */
    static int start(long hash) {
        int off = (int) Long.remainderUnsigned(hash, SIZE);
        // Begin at a word: step past the current (partial) word, at most a few bytes.
        for (int i = 0; i < 24 && off > 0 && POOL[off - 1] != ' '; i++) {
            off = (off + 1) % SIZE;
        }
        return off;
    }

    /** The whole text of a short output, for tests. */
    public static String text(long hash, long tokens) {
        long len = tokens * CHARS_PER_TOKEN;
        StringBuilder sb = new StringBuilder((int) len);
        int off = start(hash);
        while (sb.length() < len) {
            int n = (int) Math.min(len - sb.length(), SIZE - off);
            sb.append(new String(POOL, off, n, StandardCharsets.US_ASCII));
            off = 0;
        }
        return sb.toString();
    }
}
