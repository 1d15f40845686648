package io.batchbridge.cli;

import java.io.PrintWriter;

/** A one-line text progress bar drawn with carriage returns, redrawn at most once per percent. */
final class Progress {
    private static final int WIDTH = 40;

    private final PrintWriter to;
    private final long total;
    private long done;
    private int lastPercent = -1;

    /** @param to where to draw, or null for no bar */
    Progress(PrintWriter to, long total) {
        this.to = to;
        this.total = Math.max(1, total);
    }

    void advance(long bytes) {
        done = Math.min(total, done + bytes);
        int percent = (int) (done * 100 / total);
        if (to != null && percent != lastPercent) {
            lastPercent = percent;
            to.print("\r" + bar(percent));
            to.flush();
        }
    }

    void done() {
        if (to != null) {
            to.println("\r" + bar(100));
            to.flush();
        }
    }

    static String bar(int percent) {
        int filled = percent * WIDTH / 100;
        return "[" + "#".repeat(filled) + " ".repeat(WIDTH - filled) + "] " + percent + "%";
    }
}
