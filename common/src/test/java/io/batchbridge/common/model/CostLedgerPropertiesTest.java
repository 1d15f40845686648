package io.batchbridge.common.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.util.List;
import java.util.stream.IntStream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The "done when": the ledger's total equals the sum of the results' usage × prices exactly. The
 * expected figures are computed independently, in BigDecimal from the catalogue's decimal prices, with the
 * documented rule (each kind of each result rounded once, half up, to a micro-dollar).
 */
class CostLedgerPropertiesTest {
    private static final ModelCatalogue CATALOGUE = ModelCatalogue.defaults();
    private static final List<ModelInfo> MODELS = CATALOGUE.models();
    private static final List<String> TENANTS = List.of("default", "acme", "globex");

    record Result(ModelInfo model, TokenUsage usage, String tenant) {}

    @Provide
    Arbitrary<List<Result>> results() {
        return result().list().ofMaxSize(200);
    }

    @Provide
    Arbitrary<List<Result>> someResults() {
        return result().list().ofMinSize(1).ofMaxSize(50);
    }

    private static Arbitrary<Result> result() {
        Arbitrary<Long> tokens = Arbitraries.oneOf(
                Arbitraries.longs().between(0, 20),
                Arbitraries.longs().between(0, 1_000_000),
                Arbitraries.longs().between(0, 300_000));
        Arbitrary<TokenUsage> usage =
                Combinators.combine(tokens, tokens, tokens, tokens, tokens).as(TokenUsage::new);
        return Combinators.combine(Arbitraries.of(MODELS), usage, Arbitraries.of(TENANTS))
                .as(Result::new);
    }

    @Property(tries = 300)
    void theLedgersTotalIsExactlyTheSumOfUsageTimesPrices(@ForAll("results") List<Result> results) {
        CostLedger ledger = new CostLedger();
        results.forEach(r -> ledger.add(r.tenant(), r.model().prices().cost(r.usage())));

        BigInteger expectedBatch = BigInteger.ZERO;
        BigInteger expectedStandard = BigInteger.ZERO;
        BigInteger expectedNoCache = BigInteger.ZERO;
        BigDecimal unrounded = BigDecimal.ZERO;
        for (Result r : results) {
            Prices p = r.model().prices();
            TokenUsage u = r.usage();
            BigDecimal in = dec(p.batchInputPerMTok());
            BigDecimal[] prices = {
                in,
                dec(p.batchOutputPerMTok()),
                in.multiply(dec(p.cacheWrite5mMultiplier())),
                in.multiply(dec(p.cacheWrite1hMultiplier())),
                in.multiply(dec(p.cacheReadMultiplier()))
            };
            long[] counts = {
                u.inputTokens(), u.outputTokens(), u.cacheWrite5mTokens(), u.cacheWrite1hTokens(), u.cacheReadTokens()
            };
            for (int k = 0; k < 5; k++) {
                BigDecimal usd =
                        prices[k].multiply(BigDecimal.valueOf(counts[k])).movePointLeft(6);
                unrounded = unrounded.add(usd);
                expectedBatch = expectedBatch.add(microsHalfUp(usd));
                expectedStandard = expectedStandard.add(microsHalfUp(usd.multiply(BigDecimal.valueOf(2))));
            }
            long cached = u.cacheWrite5mTokens() + u.cacheWrite1hTokens() + u.cacheReadTokens();
            expectedNoCache = expectedNoCache
                    .add(microsHalfUp(in.multiply(BigDecimal.valueOf(u.inputTokens() + cached))
                            .movePointLeft(6)))
                    .add(microsHalfUp(prices[1]
                            .multiply(BigDecimal.valueOf(u.outputTokens()))
                            .movePointLeft(6)));
        }

        Cost total = ledger.total();
        assertThat(BigInteger.valueOf(total.totalMicros())).isEqualTo(expectedBatch);
        assertThat(BigInteger.valueOf(total.standard().total())).isEqualTo(expectedStandard);
        assertThat(BigInteger.valueOf(total.noCache().total())).isEqualTo(expectedNoCache);
        // savings are the exact differences of the sums
        assertThat(total.savingsVsStandardMicros())
                .isEqualTo(expectedStandard.subtract(expectedBatch).longValueExact());
        assertThat(total.savingsVsNoCacheMicros())
                .isEqualTo(expectedNoCache.subtract(expectedBatch).longValueExact());
        // the per-tenant sums add up to the total
        Cost byTenant = ledger.byTenant().values().stream().reduce(Cost.ZERO, Cost::plus);
        assertThat(byTenant).isEqualTo(total);
        // and rounding never moves the total by more than half a micro-dollar per kind per result
        BigDecimal drift = new BigDecimal(expectedBatch)
                .movePointLeft(6)
                .subtract(unrounded)
                .abs();
        assertThat(drift)
                .isLessThanOrEqualTo(BigDecimal.valueOf(5L * results.size()).multiply(new BigDecimal("0.0000005")));
    }

    @Property(tries = 50)
    void addingConcurrentlyLosesNothing(@ForAll("someResults") List<Result> results) {
        CostLedger ledger = new CostLedger();
        IntStream.range(0, 8)
                .parallel()
                .forEach(t -> results.forEach(
                        r -> ledger.add(r.tenant(), r.model().prices().cost(r.usage()))));
        Cost once =
                results.stream().map(r -> r.model().prices().cost(r.usage())).reduce(Cost.ZERO, Cost::plus);
        assertThat(ledger.total().totalMicros()).isEqualTo(8 * once.totalMicros());
    }

    private static BigDecimal dec(double d) {
        return new BigDecimal(Double.toString(d));
    }

    private static BigInteger microsHalfUp(BigDecimal usd) {
        return usd.movePointRight(6).setScale(0, RoundingMode.HALF_UP).toBigIntegerExact();
    }
}
