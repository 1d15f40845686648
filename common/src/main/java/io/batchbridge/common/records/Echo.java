package io.batchbridge.common.records;

/**
 * How a value a producer controls may appear in anything batch-bridge writes for people: dead-letter sentences
 * and headers, log lines, CLI output. Every such value is hostile until shown otherwise: it may be megabytes
 * long, or carry newlines and terminal escape sequences that forge log lines or repaint a terminal.
 *
 * <p>{@link #of(String)} writes at most {@link #MAX_CHARS} characters and escapes every control character
 * (C0, DEL and C1) and the backslash as {@code \n}, {@code \t}, {@code \r} or {@code \}{@code uXXXX}, so the
 * result is one printable line whose length is bounded whatever the input.
 */
public final class Echo {
    /** The most characters of a producer's value echoed anywhere. */
    public static final int MAX_CHARS = 256;

    private Echo() {}

    /** The value escaped, cut at {@link #MAX_CHARS} output characters (marked {@code …(N chars)}); "null" for null. */
    public static String of(String s) {
        return of(s, MAX_CHARS);
    }

    /** As {@link #of(String)} with at most {@code max} characters of escaped output before the marker. */
    public static String of(String s, int max) {
        if (s == null) {
            return "null";
        }
        StringBuilder b = new StringBuilder(Math.min(s.length(), max) + 24);
        int used = escapeInto(b, s, max);
        if (used < s.length()) {
            b.append("…(").append(s.length()).append(" chars)");
        }
        return b.toString();
    }

    /** The value in double quotes, escaped (a {@code "} becomes {@code \"}) and truncated. */
    public static String quoted(String s) {
        return quoted(s, MAX_CHARS);
    }

    /** As {@link #quoted(String)} with a limit of {@code max} characters of the original. */
    public static String quoted(String s, int max) {
        if (s == null) {
            return "null";
        }
        return '"' + of(s, max).replace("\"", "\\\"") + '"';
    }

    /** Every control character of the whole value escaped, nothing cut: for text that is already bounded. */
    public static String escape(String s) {
        if (s == null) {
            return null;
        }
        StringBuilder b = new StringBuilder(s.length() + 8);
        escapeInto(b, s, Integer.MAX_VALUE);
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

    /** Appends the escaped value until the output would pass {@code budget}; returns the input chars used. */
    private static int escapeInto(StringBuilder b, String s, int budget) {
        int start = b.length();
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            String escaped = escaped(c);
            int width = escaped != null ? escaped.length() : Character.isHighSurrogate(c) ? 2 : 1;
            if (b.length() - start + width > budget) {
                break;
            }
            if (escaped != null) {
                b.append(escaped);
            } else {
                b.append(s, i, Math.min(i + width, s.length()));
            }
            i += escaped != null ? 1 : width;
        }
        return Math.min(i, s.length());
    }

    private static String escaped(char c) {
        return switch (c) {
            case '\n' -> "\\n";
            case '\r' -> "\\r";
            case '\t' -> "\\t";
            case '\\' -> "\\\\";
            default -> isControl(c) ? String.format("\\u%04x", (int) c) : null;
        };
    }

    private static boolean isControl(char c) {
        return c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == '\u2028' || c == '\u2029';
    }
}
