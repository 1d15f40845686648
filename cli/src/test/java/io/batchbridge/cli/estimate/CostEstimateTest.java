package io.batchbridge.cli.estimate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.batchbridge.common.model.ModelCatalogue;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The summary math on claude-sonnet-4-6 (batch: input $1.50, output $7.50 per MTok; cache writes 1.25x / 2x, reads
 * 0.1x; minimum cacheable prefix 1,024 tokens).
 */
class CostEstimateTest {
    private static final String MODEL = "claude-sonnet-4-6";
    private static final ModelCatalogue CATALOGUE = ModelCatalogue.defaults();

    private static CostEstimate estimate(double hitRate, double outputFraction) {
        return new CostEstimate(CATALOGUE, new CostEstimate.Assumptions(hitRate, outputFraction));
    }

    private static CostEstimate.Request request(long input, long max, PromptScan.Breakpoint... points) {
        return new CostEstimate.Request(MODEL, input, max, List.of(points));
    }

    @Test
    void aRequestWithoutBreakpointsCostsItsInputAndMaxOutputInBothCases() {
        CostEstimate e = estimate(0.3, 1.0);

        CostEstimate.Priced p = e.add(request(1000, 100));

        // 1,000 × $1.50/M = 1,500 µ$; 100 × $7.50/M = 750 µ$
        assertThat(p.worstBatch()).isEqualTo(2250);
        assertThat(p.worstStandard()).isEqualTo(4500);
        assertThat(p.expectedBatch()).isEqualTo(2250);
        assertThat(p.expectedStandard()).isEqualTo(4500);
        assertThat(e.summary().prefixes()).isEmpty();
    }

    @Test
    void aSharedPrefixIsWrittenOnceAndReadAtTheHitRateLaterAndTheWorstCaseWritesEverything() {
        CostEstimate e = estimate(0.3, 0.5);
        PromptScan.Breakpoint prefix = new PromptScan.Breakpoint(42, 2000, false);

        for (int i = 0; i < 3; i++) {
            e.add(request(2100, 10, prefix));
        }
        CostEstimate.Summary s = e.summary();

        // worst: ceil(2,100 × 1.875) = 3,938 + 2 (rounding allowance) + 10 × 7.5 = 75 → 4,015 each
        assertThat(s.worstBatch()).isEqualTo(3 * 4015);
        // expected: output 5 tokens = 38 µ$ (37.5 half up), 100 plain input = 150 µ$; a write of 2,000 = 3,750 µ$,
        // a read = 300 µ$: first 188 + 3,750; later 188 + 0.3 × 300 + 0.7 × 3,750 = 188 + 2,715
        assertThat(s.expectedBatch()).isEqualTo(3938 + 2 * 2903);
        assertThat(s.requests()).isEqualTo(3);
        assertThat(s.inputTokens()).isEqualTo(6300);
        assertThat(s.maxOutputTokens()).isEqualTo(30);
        assertThat(s.prefixes()).containsExactly(new CostEstimate.PrefixGroup(MODEL, 42, 3, 2000));
        assertThat(s.servableTokens()).isEqualTo(4000);
        assertThat(s.sharingRequests()).isEqualTo(3);
        assertThat(s.worstBatch()).isGreaterThan(s.expectedBatch());
    }

    @Test
    void aOneHourBreakpointMakesTheWorstCaseTheOneHourWriteRate() {
        CostEstimate e = estimate(0.3, 1.0);

        CostEstimate.Priced p = e.add(request(2000, 1, new PromptScan.Breakpoint(7, 1500, true)));

        // 2,000 × $3.00/M = 6,000 + 2 + 1 output token (7.5 → 8)
        assertThat(p.worstBatch()).isEqualTo(6000 + 2 + 8);
        // expected, first of its prefix: 1,500 written at the 1-hour rate (4,500) + 500 plain input (750) + 8
        assertThat(p.expectedBatch()).isEqualTo(4500 + 750 + 8);
    }

    @Test
    void whenTheSubmitterPrimesAnyBreakpointMayBeAOneHourWriteAndTheFirstOfAPrefixIsThePrimer() {
        CostEstimate e = new CostEstimate(CATALOGUE, new CostEstimate.Assumptions(0.3, 1.0, true));

        CostEstimate.Priced p = e.add(request(2000, 1, new PromptScan.Breakpoint(7, 1500, false)));

        assertThat(p.worstBatch()).isEqualTo(6000 + 2 + 8); // at $3.00/M although the request asks for 5 minutes
        assertThat(p.expectedBatch()).isEqualTo(4500 + 750 + 8);
    }

    @Test
    void aPrefixShorterThanTheModelsMinimumIsNotCacheableButTheWorstCaseStillAssumesAWrite() {
        CostEstimate e = estimate(0.98, 1.0);
        PromptScan.Breakpoint shortPrefix = new PromptScan.Breakpoint(9, 1023, false);

        CostEstimate.Priced first = e.add(request(1100, 1, shortPrefix));
        CostEstimate.Priced second = e.add(request(1100, 1, shortPrefix));

        assertThat(first.expectedBatch()).isEqualTo(1650 + 8).isEqualTo(second.expectedBatch());
        assertThat(first.worstBatch()).isEqualTo(2063 + 2 + 8); // ceil(1,100 × 1.875)
        assertThat(e.summary().prefixes()).isEmpty();
    }

    @Test
    void aModelTheCatalogueDoesNotKnowIsCountedButNotPriced() {
        CostEstimate e = estimate(0.3, 1.0);

        CostEstimate.Priced p = e.add(new CostEstimate.Request("claude-nope-1", 500, 50, List.of()));
        e.add(request(1000, 100));
        CostEstimate.Summary s = e.summary();

        assertThat(p.priced()).isFalse();
        assertThat(s.unpriced()).containsEntry("claude-nope-1", 1L);
        assertThat(s.requests()).isEqualTo(2);
        assertThat(s.inputTokens()).isEqualTo(1500);
        assertThat(s.worstBatch()).isEqualTo(2250);
    }

    @Test
    void prefixesAreListedByTheTokensACacheCouldServe() {
        CostEstimate e = estimate(0.3, 1.0);
        PromptScan.Breakpoint small = new PromptScan.Breakpoint(1, 2000, false);
        PromptScan.Breakpoint big = new PromptScan.Breakpoint(2, 5000, false);
        e.add(request(2100, 1, small));
        e.add(request(2100, 1, small));
        e.add(request(2100, 1, small));
        e.add(request(5100, 1, big));
        e.add(request(5100, 1, big));

        assertThat(e.summary().prefixes())
                .extracting(CostEstimate.PrefixGroup::key)
                .containsExactly(2L, 1L); // 5,000 servable before 4,000
        assertThat(e.summary().servableTokens()).isEqualTo(9000);
    }

    @Test
    void assumptionsOutsideZeroToOneAreRefusedByName() {
        assertThatThrownBy(() -> new CostEstimate.Assumptions(1.5, 1))
                .hasMessageContaining("--hit-rate must be between 0 and 1 but was 1.5");
        assertThatThrownBy(() -> new CostEstimate.Assumptions(0.3, -0.1)).hasMessageContaining("--output-fraction");
    }
}
