package io.batchbridge.cli;

import java.util.Locale;

/**
 * JSON text made safe to print as one terminal line: inside strings every control character (C0, DEL, C1,
 * U+2028, U+2029) becomes a {@code \}{@code uXXXX} escape, which leaves a valid document meaning the same;
 * between tokens a control character (whitespace such as a newline, or garbage) becomes a space.
 */
final class JsonLine {
    private JsonLine() {}

    static String of(String json) {
        StringBuilder b = new StringBuilder(json.length() + 16);
        boolean inString = false;
        boolean escaped = false;
        for (int i = 0; i < json.length(); i++) {
            char c = json.charAt(i);
            if (isControl(c)) {
                b.append(inString || c >= 0x7f ? String.format(Locale.ROOT, "\\u%04x", (int) c) : " ");
                escaped = false;
                continue;
            }
            b.append(c);
            if (escaped) {
                escaped = false;
            } else if (inString && c == '\\') {
                escaped = true;
            } else if (c == '"') {
                inString = !inString;
            }
        }
        return b.toString();
    }

    private static boolean isControl(char c) {
        return c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == '\u2028' || c == '\u2029';
    }
}
