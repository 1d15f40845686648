package io.batchbridge.cli.estimate;

import io.batchbridge.common.model.ModelCatalogue;
import io.batchbridge.common.model.ModelInfo;
import io.batchbridge.common.model.PriceRates;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Adds up what a file of requests will cost before anything is sent, in integer micro-dollars (the ledger's units
 * and rounding: {@link PriceRates#micros}, one rounding per kind per request, sums never rounded again).
 *
 * <p><b>Worst case</b> — never below what the run then costs: every input token at the costliest rate the
 * request's {@code cache_control} allows (a 1-hour write if any breakpoint asks for 1 h, else a 5-minute write if it
 * has any breakpoint, else plain input), rounded up, plus {@value #ROUNDING_ALLOWANCE} micro-dollars for a request
 * with breakpoints (its bill splits the input over up to four kinds, each rounded half up), and {@code max_tokens}
 * output tokens. When the submitter primes the requests, any breakpoint may become a 1-hour one (the primer's). Errored, expired and canceled requests cost nothing, so they only lower the bill.
 *
 * <p><b>Expected</b> — under stated assumptions: output = {@code max_tokens} × {@link Assumptions#outputFraction};
 * the prefix up to a request's last breakpoint that reaches the model's minimum cacheable length is written by the
 * first request of the file that has it, and each later request with the same prefix reads it with probability
 * {@link Assumptions#hitRate} (the within-batch hit rate; the API documents 30 % to 98 % for batches), else writes
 * it again; the rest of the input is plain input. Hits on entries left by earlier batches (which make reads more
 * likely) are not counted, so the expectation leans high.
 */
public final class CostEstimate {
    /** Micro-dollars added to the worst case of a request with breakpoints: 4 kinds rounded half up each. */
    public static final long ROUNDING_ALLOWANCE = 2;

    /**
     * What the expectation assumes; both rates in [0, 1].
     *
     * @param primed the submitter primes these requests ({@code bridge.submitter.primer.topics}): a primer's last
     *     breakpoint is sent with the 1-hour TTL, so any request with a breakpoint may be billed a 1-hour write
     */
    public record Assumptions(double hitRate, double outputFraction, boolean primed) {
        public Assumptions(double hitRate, double outputFraction) {
            this(hitRate, outputFraction, false);
        }

        public Assumptions {
            if (!(hitRate >= 0 && hitRate <= 1)) {
                throw new IllegalArgumentException("--hit-rate must be between 0 and 1 but was " + hitRate);
            }
            if (!(outputFraction >= 0 && outputFraction <= 1)) {
                throw new IllegalArgumentException(
                        "--output-fraction must be between 0 and 1 but was " + outputFraction);
            }
        }
    }

    /**
     * One request to price.
     *
     * @param inputTokens the prompt's input tokens (count_tokens, or the local estimate)
     * @param breakpoints the prompt's breakpoints with their prefix lengths in the same tokens as {@code inputTokens}
     */
    public record Request(String model, long inputTokens, long maxTokens, List<PromptScan.Breakpoint> breakpoints) {
        public Request {
            breakpoints = List.copyOf(breakpoints);
        }
    }

    /** Micro-dollars of one request; {@code priced} false for a model the catalogue does not know (all zero). */
    public record Priced(
            boolean priced, long worstBatch, long worstStandard, long expectedBatch, long expectedStandard) {}

    /** Requests sharing one cacheable prefix (per model), and the input tokens a cache could serve them. */
    public record PrefixGroup(String model, long key, long requests, long prefixTokens) {
        /** Every request but the first could read the prefix. */
        public long servableTokens() {
            return (requests - 1) * prefixTokens;
        }
    }

    /** The sums. */
    public record Summary(
            long requests,
            long inputTokens,
            long maxOutputTokens,
            long worstBatch,
            long worstStandard,
            long expectedBatch,
            long expectedStandard,
            Map<String, Long> unpriced,
            List<PrefixGroup> prefixes) {
        /** Input tokens a cache could serve over all shared prefixes. */
        public long servableTokens() {
            return prefixes.stream().mapToLong(PrefixGroup::servableTokens).sum();
        }

        /** Requests whose cacheable prefix at least one other request shares. */
        public long sharingRequests() {
            return prefixes.stream()
                    .filter(g -> g.requests() > 1)
                    .mapToLong(PrefixGroup::requests)
                    .sum();
        }
    }

    private final ModelCatalogue catalogue;
    private final Assumptions assumptions;
    private final Map<String, long[]> groups = new LinkedHashMap<>(); // model/key -> {requests, prefixTokens}
    private final Map<String, Long> unpriced = new TreeMap<>();
    private long requests;
    private long inputTokens;
    private long maxOutputTokens;
    private long worstBatch;
    private long worstStandard;
    private long expectedBatch;
    private long expectedStandard;

    public CostEstimate(ModelCatalogue catalogue, Assumptions assumptions) {
        this.catalogue = catalogue;
        this.assumptions = assumptions;
    }

    /** Counts a request in and returns its own figures. */
    public Priced add(Request r) {
        requests++;
        inputTokens = Math.addExact(inputTokens, r.inputTokens());
        maxOutputTokens = Math.addExact(maxOutputTokens, r.maxTokens());
        ModelInfo model = catalogue.find(r.model()).orElse(null);
        if (model == null) {
            unpriced.merge(String.valueOf(r.model()), 1L, Long::sum);
            return new Priced(false, 0, 0, 0, 0);
        }
        PriceRates batch = model.prices().rates();
        PriceRates standard = standard(batch);
        // the cacheable prefix: the last breakpoint at least the model's minimum long, and its 1-hour part
        long prefix = 0;
        long oneHour = 0;
        long key = 0;
        for (PromptScan.Breakpoint b : r.breakpoints()) {
            long tokens = Math.min(b.tokens(), r.inputTokens());
            if (tokens >= model.minCacheTokens()) {
                if (tokens >= prefix) {
                    prefix = tokens;
                    key = b.key();
                }
                oneHour = b.oneHour() ? Math.max(oneHour, tokens) : oneHour;
            }
        }
        boolean first = true;
        if (prefix > 0) {
            long[] g = groups.computeIfAbsent(model.id() + "/" + Long.toHexString(key), k -> new long[] {0, 0});
            first = g[0] == 0;
            g[0]++;
            g[1] = Math.max(g[1], prefix);
        }
        Priced p = new Priced(
                true,
                worst(r, batch, assumptions.primed()),
                worst(r, standard, assumptions.primed()),
                expected(r, batch, prefix, oneHour, first),
                expected(r, standard, prefix, oneHour, first));
        worstBatch = Math.addExact(worstBatch, p.worstBatch());
        worstStandard = Math.addExact(worstStandard, p.worstStandard());
        expectedBatch = Math.addExact(expectedBatch, p.expectedBatch());
        expectedStandard = Math.addExact(expectedStandard, p.expectedStandard());
        return p;
    }

    public Summary summary() {
        List<PrefixGroup> list = new ArrayList<>();
        groups.forEach((k, g) -> {
            int slash = k.lastIndexOf('/');
            list.add(new PrefixGroup(
                    k.substring(0, slash), Long.parseUnsignedLong(k.substring(slash + 1), 16), g[0], g[1]));
        });
        list.sort(Comparator.comparingLong(PrefixGroup::servableTokens)
                .reversed()
                .thenComparing(PrefixGroup::model)
                .thenComparingLong(PrefixGroup::key));
        return new Summary(
                requests,
                inputTokens,
                maxOutputTokens,
                worstBatch,
                worstStandard,
                expectedBatch,
                expectedStandard,
                Map.copyOf(unpriced),
                List.copyOf(list));
    }

    static long worst(Request r, PriceRates rates, boolean primed) {
        long output = PriceRates.micros(r.maxTokens(), rates.output());
        if (r.breakpoints().isEmpty()) {
            return Math.addExact(output, PriceRates.micros(r.inputTokens(), rates.input()));
        }
        boolean anyOneHour = primed || r.breakpoints().stream().anyMatch(PromptScan.Breakpoint::oneHour);
        long rate = Math.max(rates.input(), Math.max(rates.cacheWrite5m(), anyOneHour ? rates.cacheWrite1h() : 0));
        long input = ceilMicros(r.inputTokens(), rate) + ROUNDING_ALLOWANCE;
        return Math.addExact(output, input);
    }

    private long expected(Request r, PriceRates rates, long prefix, long oneHour, boolean first) {
        long outputTokens = Math.round(r.maxTokens() * assumptions.outputFraction());
        long fixed = PriceRates.micros(outputTokens, rates.output())
                + PriceRates.micros(r.inputTokens() - prefix, rates.input());
        if (prefix == 0) {
            return fixed;
        }
        long write = PriceRates.micros(oneHour, rates.cacheWrite1h())
                + PriceRates.micros(prefix - oneHour, rates.cacheWrite5m());
        if (first) {
            return assumptions.primed()
                    ? fixed + PriceRates.micros(prefix, rates.cacheWrite1h()) // the primer: its prefix for 1 hour
                    : fixed + write;
        }
        long read = PriceRates.micros(prefix, rates.cacheRead());
        double h = assumptions.hitRate();
        return fixed + Math.round(h * read + (1 - h) * write);
    }

    /** The rates of the synchronous Messages API: {@link PriceRates#STANDARD_FACTOR} times the batch rates. */
    static PriceRates standard(PriceRates b) {
        long f = PriceRates.STANDARD_FACTOR;
        return new PriceRates(
                f * b.input(), f * b.output(), f * b.cacheWrite5m(), f * b.cacheWrite1h(), f * b.cacheRead());
    }

    private static long ceilMicros(long tokens, long ratePerMTok) {
        if (tokens <= 0) {
            return 0;
        }
        return Math.floorDiv(Math.addExact(Math.multiplyExact(tokens, ratePerMTok), 999_999), 1_000_000);
    }
}
