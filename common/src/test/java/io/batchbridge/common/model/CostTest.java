package io.batchbridge.common.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

class CostTest {
    private final ModelCatalogue catalogue = ModelCatalogue.defaults();
    private final Prices sonnet =
            catalogue.find("claude-sonnet-4-6").orElseThrow().prices();
    private final Prices opus55 =
            catalogue.find("claude-opus-5-5").orElseThrow().prices();

    @Test
    void ratesAreTheCataloguePricesInWholeMicroDollarsPerMillionTokens() {
        // sonnet: $1.50 / $7.50 per MTok; writes 1.25x and 2x, reads 0.1x of input
        assertThat(sonnet.rates()).isEqualTo(new PriceRates(1_500_000, 7_500_000, 1_875_000, 3_000_000, 150_000));
        // opus 5.5 reads at its own 0.05x: $2.00 x 0.05 = $0.10
        assertThat(opus55.rates().cacheRead()).isEqualTo(100_000);
    }

    @Test
    void aPriceThatIsNotWholeMicroDollarsIsRefusedNotRounded() {
        assertThatThrownBy(() -> PriceRates.of(
                        new BigDecimal("0.0000001"), BigDecimal.ONE, BigDecimal.ONE, BigDecimal.ONE, BigDecimal.ONE))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("input price 0.0000001");
        // 0.333333 x 1.25 = 0.41666625: not whole micro-dollars after the multiplier
        assertThatThrownBy(() -> new Prices(0.333333, 1, 1.25, 2, 0.1))
                .hasMessageContaining("5-minute cache write price");
    }

    @Test
    void eachKindIsRoundedOnceHalfUp() {
        // 1 token at 1,500,000 µ$/MTok is 1.5 µ$ -> 2; at 150,000 is 0.15 µ$ -> 0; 1,875,000 is 1.875 -> 2
        Cost c = sonnet.cost(new TokenUsage(1, 1, 1, 1, 1));
        assertThat(c.batch()).isEqualTo(new Cost.Micros(2, 8, 2, 3, 0));
        assertThat(c.totalMicros()).isEqualTo(15);
        // exactly half rounds up, just below half rounds down
        assertThat(PriceRates.micros(1, 500_000)).isEqualTo(1);
        assertThat(PriceRates.micros(1, 499_999)).isEqualTo(0);
        assertThat(PriceRates.micros(3, 1_500_000)).isEqualTo(5); // 4.5 -> 5
        assertThat(PriceRates.micros(0, 1_500_000)).isZero();
        assertThat(PriceRates.micros(-5, 1_500_000)).isZero();
    }

    @Test
    void aMillionTokensOfEachKindCostTheirPricesExactly() {
        Cost c = sonnet.cost(new TokenUsage(1_000_000, 1_000_000, 1_000_000, 1_000_000, 1_000_000));
        assertThat(c.batch()).isEqualTo(new Cost.Micros(1_500_000, 7_500_000, 1_875_000, 3_000_000, 150_000));
        assertThat(c.totalMicros()).isEqualTo(14_025_000);
        assertThat(Cost.usd(c.totalMicros())).isEqualTo(14.025);
        // the double estimate agrees at this size
        assertThat(sonnet.batchCost(new TokenUsage(1_000_000, 1_000_000, 1_000_000, 1_000_000, 1_000_000)))
                .isCloseTo(14.025, org.assertj.core.data.Offset.offset(1e-9));
    }

    @Test
    void standardIsEachKindAtTwiceTheBatchRateAndItsSavingIsTheExactDifference() {
        TokenUsage u = new TokenUsage(12_345, 6_789, 1_001, 2_003, 50_000);
        Cost c = sonnet.cost(u);
        assertThat(c.standard())
                .isEqualTo(new Cost.Micros(
                        PriceRates.micros(12_345, 3_000_000),
                        PriceRates.micros(6_789, 15_000_000),
                        PriceRates.micros(1_001, 3_750_000),
                        PriceRates.micros(2_003, 6_000_000),
                        PriceRates.micros(50_000, 300_000)));
        assertThat(c.savingsVsStandardMicros()).isEqualTo(c.standard().total() - c.totalMicros());
        assertThat(c.savingsVsStandardMicros()).isPositive();
    }

    @Test
    void noCachingBillsEveryCachedTokenAsInputAtTheBatchRate() {
        // 100k read from cache, 10k fresh input, 1k output
        Cost reads = sonnet.cost(new TokenUsage(10_000, 1_000, 0, 0, 100_000));
        assertThat(reads.noCache()).isEqualTo(new Cost.Micros(165_000, 7_500, 0, 0, 0));
        assertThat(reads.totalMicros()).isEqualTo(15_000 + 7_500 + 15_000);
        assertThat(reads.savingsVsNoCacheMicros()).isEqualTo(135_000);
        // a 1-hour write the same result never reads costs more than no caching: a negative saving
        Cost write = sonnet.cost(new TokenUsage(10, 100, 0, 100_000, 0));
        assertThat(write.noCache().input()).isEqualTo(PriceRates.micros(100_010, 1_500_000));
        assertThat(write.savingsVsNoCacheMicros()).isEqualTo(-150_000);
    }

    @Test
    void sumsAddTheRoundedFiguresWithoutRoundingAgain() {
        Cost one = sonnet.cost(new TokenUsage(1, 0, 0, 0, 0)); // 1.5 µ$ -> 2
        Cost sum = Cost.ZERO;
        for (int i = 0; i < 1_000; i++) {
            sum = sum.plus(one);
        }
        assertThat(sum.totalMicros()).isEqualTo(2_000);
        assertThat(sum.standard().total()).isEqualTo(3_000);
    }
}
