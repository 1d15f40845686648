package io.batchbridge.common.records;

/**
 * How a value a producer controls may appear in anything batch-bridge writes for people: dead-letter sentences
 * and headers, log lines, CLI output. Every such value is hostile until shown otherwise: it may be megabytes
 * long, or carry newlines and terminal escape sequences that forge log lines or repaint a terminal.
 *
 * <p>{@link #of(String)} keeps at most {@link #MAX_CHARS} characters and escapes every control character
 * (C0, DEL and C1) and the backslash as {@code \n}, {@code \t}, {@code \r} or {@code \}{@code uXXXX}, so the
 * result is one printable line whose length is bounded whatever the input.
 */
public final class Echo {
    /** The most characters of a producer's value echoed anywhere. */
    public static final int MAX_CHARS = 256;

    private Echo() {}

    /** The value, escaped and truncated to {@link #MAX_CHARS} (marked with {@code …(N chars)}); "null" for null. */
    public static String of(String s) {
        return of(s, MAX_CHARS);
    }

    /** As {@link #of(String)} with a limit of {@code max} characters of the original. */
    public static String of(String s, int max) {
        if (s == null) {
            return "null";
        }
        int n = Math.min(s.length(), max);
        if (n > 0 && n < s.length() && Character.isHighSurrogate(s.charAt(n - 1))) {
            n--; // never cut a surrogate pair in half
        }
        StringBuilder b = new StringBuilder(n + 16);
        escapeInto(b, s, n);
        if (n < s.length()) {
            b.append("…(").append(s.length()).append(" chars)");
        }
        return b.toString();
    }

    /** The value in double quotes, escaped (a {@code "} becomes {@code \"}) and truncated. */
    public static String quoted(String s) {
        if (s == null) {
            return "null";
        }
        return '"' + of(s).replace("\"", "\\\"") + '"';
    }

    /** Every control character of the whole value escaped, nothing cut: for text that is already bounded. */
    public static String escape(String s) {
        if (s == null) {
            return null;
        }
        StringBuilder b = new StringBuilder(s.length() + 8);
        escapeInto(b, s, s.length());
        return b.toString();
    }

    /** Whether the value has a character {@link #escape} would change. */
    public static boolean needsEscape(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (isControl(c) || c == '\\') {
                return true;
            }
        }
        return false;
    }

    private static void escapeInto(StringBuilder b, String s, int n) {
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                case '\\' -> b.append("\\\\");
                default -> {
                    if (isControl(c)) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
    }

    private static boolean isControl(char c) {
        return c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == '\u2028' || c == '\u2029';
    }
}
