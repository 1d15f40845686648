package io.batchbridge.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The printed results: one row per figure, with its baseline, ratio and target where it has them. */
final class Table {
    private static final String[] HEADER = {"benchmark", "figure", "measured", "baseline", "ratio", "target", "met"};
    private final List<String[]> rows = new ArrayList<>();

    void row(String bench, String figure, String measured, String baseline, String ratio, String target, String met) {
        rows.add(new String[] {bench, figure, measured, baseline, ratio, target, met});
    }

    static String num(double v, int decimals) {
        return String.format(Locale.ROOT, "%,." + decimals + "f", v);
    }

    /** A plain number for the summary line: no grouping, so it parses back. */
    static String plain(double v, int decimals) {
        return String.format(Locale.ROOT, "%." + decimals + "f", v);
    }

    static String met(boolean ok) {
        return ok ? "yes" : "NO";
    }

    /** A Markdown table (readable as plain text too). */
    String render() {
        int[] w = new int[HEADER.length];
        for (int i = 0; i < w.length; i++) {
            w[i] = HEADER[i].length();
            for (String[] r : rows) {
                w[i] = Math.max(w[i], r[i].length());
            }
        }
        StringBuilder sb = new StringBuilder();
        line(sb, HEADER, w);
        String[] rule = new String[w.length];
        for (int i = 0; i < w.length; i++) {
            rule[i] = "-".repeat(w[i]);
        }
        line(sb, rule, w);
        rows.forEach(r -> line(sb, r, w));
        return sb.toString();
    }

    private static void line(StringBuilder sb, String[] cells, int[] w) {
        sb.append('|');
        for (int i = 0; i < cells.length; i++) {
            sb.append(' ').append(String.format("%-" + w[i] + "s", cells[i])).append(" |");
        }
        sb.append('\n');
    }
}
