package io.batchbridge.common.model;

import java.math.BigDecimal;
import java.util.List;

/**
 * Batch prices as integers: micro-dollars per million tokens by kind (numerically, pico-dollars per token),
 * converted exactly from the catalogue's USD-per-million prices and cache multipliers when the catalogue is loaded
 * ({@code $1.50} → {@code 1,500,000}; a cache read at {@code 0.1 ×} → {@code 150,000}). A price that is not a
 * whole number of micro-dollars per million tokens after its multiplier is refused at load time, never rounded.
 * Standard prices are twice the batch prices; "no caching" bills every cached token at the input rate.
 *
 * <p>Cost of {@code n} tokens of a kind at rate {@code r}: {@code floor((n × r + 500,000) / 1,000,000)}
 * micro-dollars, i.e. the exact value {@code n × r / 10^6} rounded once, half up.
 */
public record PriceRates(long input, long output, long cacheWrite5m, long cacheWrite1h, long cacheRead) {
    /** The kinds, as the {@code kind} tag of {@code bridge.cost.usd} and the result record spell them. */
    public static final List<String> KINDS =
            List.of("input", "output", "cache_write_5m", "cache_write_1h", "cache_read");

    /** Standard (synchronous API) prices are this many times the batch prices. */
    public static final long STANDARD_FACTOR = 2;

    private static final BigDecimal MILLION = BigDecimal.valueOf(1_000_000);
    private static final long HALF = 500_000;

    public PriceRates {
        if (input < 0 || output < 0 || cacheWrite5m < 0 || cacheWrite1h < 0 || cacheRead < 0) {
            throw new IllegalArgumentException("rates must not be negative");
        }
    }

    /** Exact rates from USD per million tokens and the cache multipliers (decimal values, as written). */
    public static PriceRates of(
            BigDecimal inputPerMTok,
            BigDecimal outputPerMTok,
            BigDecimal write5mMultiplier,
            BigDecimal write1hMultiplier,
            BigDecimal readMultiplier) {
        return new PriceRates(
                micros("input price", inputPerMTok),
                micros("output price", outputPerMTok),
                micros("5-minute cache write price", inputPerMTok.multiply(write5mMultiplier)),
                micros("1-hour cache write price", inputPerMTok.multiply(write1hMultiplier)),
                micros("cache read price", inputPerMTok.multiply(readMultiplier)));
    }

    /** Exact rates from doubles, read as the shortest decimal that is the double ({@code 2.5}, {@code 0.1}). */
    public static PriceRates of(double input, double output, double write5m, double write1h, double read) {
        return of(
                BigDecimal.valueOf(input),
                BigDecimal.valueOf(output),
                BigDecimal.valueOf(write5m),
                BigDecimal.valueOf(write1h),
                BigDecimal.valueOf(read));
    }

    private static long micros(String what, BigDecimal usdPerMTok) {
        try {
            return usdPerMTok
                    .multiply(MILLION)
                    .setScale(0, java.math.RoundingMode.UNNECESSARY)
                    .longValueExact();
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException(
                    what + " " + usdPerMTok.stripTrailingZeros().toPlainString()
                            + " USD per million tokens is not a whole number of micro-dollars per million tokens");
        }
    }

    /** The exact cost of a usage: batch, standard and no-caching figures by kind. */
    public Cost cost(TokenUsage u) {
        Cost.Micros batch = new Cost.Micros(
                micros(u.inputTokens(), input),
                micros(u.outputTokens(), output),
                micros(u.cacheWrite5mTokens(), cacheWrite5m),
                micros(u.cacheWrite1hTokens(), cacheWrite1h),
                micros(u.cacheReadTokens(), cacheRead));
        Cost.Micros standard = new Cost.Micros(
                micros(u.inputTokens(), STANDARD_FACTOR * input),
                micros(u.outputTokens(), STANDARD_FACTOR * output),
                micros(u.cacheWrite5mTokens(), STANDARD_FACTOR * cacheWrite5m),
                micros(u.cacheWrite1hTokens(), STANDARD_FACTOR * cacheWrite1h),
                micros(u.cacheReadTokens(), STANDARD_FACTOR * cacheRead));
        long allInput = Math.addExact(
                Math.addExact(Math.max(0, u.inputTokens()), Math.max(0, u.cacheReadTokens())),
                Math.addExact(Math.max(0, u.cacheWrite5mTokens()), Math.max(0, u.cacheWrite1hTokens())));
        Cost.Micros noCache = new Cost.Micros(micros(allInput, input), batch.output(), 0, 0, 0);
        return new Cost(batch, standard, noCache);
    }

    /**
     * {@code tokens × ratePerMTok / 10^6} micro-dollars, rounded half up. A negative count (a malformed usage) costs
     * nothing rather than stopping a fan-out.
     */
    public static long micros(long tokens, long ratePerMTok) {
        if (tokens <= 0) {
            return 0;
        }
        return Math.addExact(Math.multiplyExact(tokens, ratePerMTok), HALF) / 1_000_000;
    }
}
