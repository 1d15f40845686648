package io.batchbridge.cli.estimate;

import java.io.PrintWriter;
import java.math.BigDecimal;
import java.util.Locale;
import java.util.stream.Collectors;

/** The text {@code bridge estimate} prints: a per-request line, the summary, and one machine-readable line. */
public final class EstimateReport {
    private EstimateReport() {}

    /** Where the input tokens came from. */
    public record Source(long counted, long local, String localReason) {
        String label() {
            if (local == 0) {
                return "count_tokens";
            }
            return counted == 0 ? "local" : "mixed";
        }
    }

    public static String usd(long micros) {
        return "$" + BigDecimal.valueOf(micros, 6).toPlainString();
    }

    private static String num(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    public static void request(
            PrintWriter out,
            long line,
            String customId,
            CostEstimate.Request r,
            boolean counted,
            CostEstimate.Priced p,
            long prefixKey) {
        out.printf(
                Locale.ROOT,
                "line %d custom_id=%s model=%s input_tokens=%d (%s) max_output_tokens=%d worst_batch=%s expected_batch=%s"
                        + " prefix=%s%n",
                line,
                customId,
                r.model(),
                r.inputTokens(),
                counted ? "count_tokens" : "local",
                r.maxTokens(),
                p.priced() ? usd(p.worstBatch()) : "unpriced",
                p.priced() ? usd(p.expectedBatch()) : "unpriced",
                prefixKey == 0 ? "-" : String.format(Locale.ROOT, "%016x", prefixKey));
    }

    public static void summary(
            PrintWriter out,
            CostEstimate.Summary s,
            long invalidLines,
            Source source,
            CostEstimate.Assumptions a,
            int top) {
        out.printf("requests            %s (invalid lines, not counted: %s)%n", num(s.requests()), num(invalidLines));
        out.printf("input tokens        %s — %s%n", num(s.inputTokens()), sourceText(source));
        out.printf("max output tokens   %s%n", num(s.maxOutputTokens()));
        out.printf(
                "worst case          %s at batch prices, %s at standard prices (every input token at the costliest"
                        + " rate its cache_control allows, output = max_tokens)%n",
                usd(s.worstBatch()), usd(s.worstStandard()));
        out.printf(
                Locale.ROOT,
                "expected            %s at batch prices, %s at standard prices (assumes output = max_tokens × %.2f;"
                        + " a shared prefix written by its first request, read by each later one with probability"
                        + " %.2f)%n",
                usd(s.expectedBatch()),
                usd(s.expectedStandard()),
                a.outputFraction(),
                a.hitRate());
        long shared = s.prefixes().stream().filter(g -> g.requests() > 1).count();
        out.printf(
                Locale.ROOT,
                "caching opportunity %s prefixes shared by %s requests; a cache could serve %s input tokens (%.1f %%)%n",
                num(shared),
                num(s.sharingRequests()),
                num(s.servableTokens()),
                s.inputTokens() == 0 ? 0.0 : 100.0 * s.servableTokens() / s.inputTokens());
        s.prefixes().stream()
                .filter(g -> g.requests() > 1)
                .limit(top)
                .forEach(g -> out.printf(
                        Locale.ROOT,
                        "  prefix %016x %s: %s requests × %s tokens, %s servable%n",
                        g.key(),
                        g.model(),
                        num(g.requests()),
                        num(g.prefixTokens()),
                        num(g.servableTokens())));
        if (!s.unpriced().isEmpty()) {
            out.println("unpriced            requests of models the catalogue does not know (not in the costs): "
                    + s.unpriced().entrySet().stream()
                            .map(e -> e.getKey() + " " + e.getValue())
                            .collect(Collectors.joining(", ")));
        }
        out.printf(
                Locale.ROOT,
                "estimate: requests=%d invalid_lines=%d input_tokens=%d counted_by=%s max_output_tokens=%d"
                        + " worst_batch_micro_usd=%d worst_standard_micro_usd=%d expected_batch_micro_usd=%d"
                        + " expected_standard_micro_usd=%d shared_prefixes=%d servable_input_tokens=%d%n",
                s.requests(),
                invalidLines,
                s.inputTokens(),
                source.label(),
                s.maxOutputTokens(),
                s.worstBatch(),
                s.worstStandard(),
                s.expectedBatch(),
                s.expectedStandard(),
                shared,
                s.servableTokens());
    }

    private static String sourceText(Source s) {
        if (s.local() == 0) {
            return "counted by the API's count_tokens";
        }
        String local = "LOCAL ESTIMATE (prompt bytes / 4) for " + num(s.local()) + " requests: " + s.localReason();
        return s.counted() == 0 ? local : num(s.counted()) + " counted by count_tokens, " + local;
    }
}
