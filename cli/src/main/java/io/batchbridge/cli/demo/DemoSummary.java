package io.batchbridge.cli.demo;

import io.batchbridge.cli.check.DeliveryCheck;
import java.io.PrintWriter;

/** The demo's closing table: outcomes, tokens and what batching saved. */
final class DemoSummary {
    private final PrintWriter out;

    DemoSummary(PrintWriter out) {
        this.out = out;
    }

    void print(DeliveryCheck.Verdict v, double seconds) {
        out.println();
        out.println("  outcome                            records");
        out.println("  ---------------------------------- -------");
        row("results delivered", v.results());
        row("  of which truncated (max_tokens)", v.truncated());
        v.resultsByModel().forEach((model, n) -> row("  " + model, n));
        row("dead letters", v.deadLetters());
        v.deadLettersByReason().forEach((reason, n) -> row("  " + reason, n));
        row("retries (intermediate hops)", v.retries());
        out.println();
        out.printf("  tokens: %,d input, %,d output%n", v.inputTokens(), v.outputTokens());
        out.printf("  cost at batch prices:    $%.4f%n", v.costUsd());
        out.printf("  same work at standard:   $%.4f  (saved $%.4f)%n", 2 * v.costUsd(), v.costUsd());
        out.printf("  wall time: %.1f s%n%n", seconds);
    }

    private void row(String label, long n) {
        out.printf("  %-34s %7d%n", label, n);
    }
}
