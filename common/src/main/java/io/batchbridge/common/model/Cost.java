package io.batchbridge.common.model;

/**
 * The exact cost of one result (or a sum of results) in integer micro-dollars (1 USD = 1,000,000), by token kind,
 * at three price books: {@link #batch} is what was spent (batch prices), {@link #standard} what the same usage
 * would have cost through the synchronous Messages API, {@link #noCache} what it would have cost at batch prices
 * with no prompt caching (every cache write and cache read billed as plain input). Integers, so sums over any
 * number of results are exact and savings are exact differences.
 *
 * <p>Rounding, the one rule: each kind of each result is rounded once, half up, from its exact value
 * {@code tokens × rate} (rates are whole micro-dollars per million tokens, see {@link PriceRates}); totals and
 * sums add the rounded integers and never round again.
 */
public record Cost(Micros batch, Micros standard, Micros noCache) {
    public static final Cost ZERO = new Cost(Micros.ZERO, Micros.ZERO, Micros.ZERO);

    /** Spent: {@code batch().total()}. */
    public long totalMicros() {
        return batch.total();
    }

    /** What batch prices saved against the synchronous API: {@code standard − batch}, never negative. */
    public long savingsVsStandardMicros() {
        return standard.total() - batch.total();
    }

    /**
     * What prompt caching saved against no caching: {@code noCache − batch}. Negative for a result whose cache
     * writes cost more than its reads saved (a write pays off in the later results that read it).
     */
    public long savingsVsNoCacheMicros() {
        return noCache.total() - batch.total();
    }

    public Cost plus(Cost o) {
        return new Cost(batch.plus(o.batch), standard.plus(o.standard), noCache.plus(o.noCache));
    }

    /** Micro-dollars as USD, for display and float metrics; exact figures stay in micro-dollars. */
    public static double usd(long micros) {
        return micros / 1_000_000d;
    }

    /** Micro-dollars by token kind. */
    public record Micros(long input, long output, long cacheWrite5m, long cacheWrite1h, long cacheRead) {
        public static final Micros ZERO = new Micros(0, 0, 0, 0, 0);

        public long total() {
            return Math.addExact(
                    Math.addExact(Math.addExact(input, output), Math.addExact(cacheWrite5m, cacheWrite1h)), cacheRead);
        }

        public Micros plus(Micros o) {
            return new Micros(
                    Math.addExact(input, o.input),
                    Math.addExact(output, o.output),
                    Math.addExact(cacheWrite5m, o.cacheWrite5m),
                    Math.addExact(cacheWrite1h, o.cacheWrite1h),
                    Math.addExact(cacheRead, o.cacheRead));
        }

        /** The figure of a kind by its metric name ({@link PriceRates#KINDS}). */
        public long of(String kind) {
            return switch (kind) {
                case "input" -> input;
                case "output" -> output;
                case "cache_write_5m" -> cacheWrite5m;
                case "cache_write_1h" -> cacheWrite1h;
                case "cache_read" -> cacheRead;
                default -> throw new IllegalArgumentException("no cost kind " + kind);
            };
        }
    }
}
