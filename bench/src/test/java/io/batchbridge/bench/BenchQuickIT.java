package io.batchbridge.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Smoke test: the quick bench completes and ends with the summary line. No thresholds: figures vary by machine. */
class BenchQuickIT {
    private static final String LINE = "bench: fanout_ratio=(\\S+) fanout_peer_ratio=(\\S+) intake_ratio=(\\S+)"
            + " heap_ratio_2g_200m=(\\S+) tracking_calls_per_min=(\\S+) latency_p99_ms=(\\S+)"
            + " open_heap_mb_100k=(\\S+) open_heap_mb_1m=(\\S+) scaling_2w_ratio=(\\S+) scaling_3w_ratio=(\\S+)"
            + " fanout_overhead_4k=(\\S+) fanout_overhead_1m=(\\S+) intake_overhead=(\\S+)"
            + " cost_fifo_usd_per_1k=(\\S+) cost_aware_usd_per_1k=(\\S+) cost_primed_usd_per_1k=(\\S+)"
            + " primed_extra_latency_s=(\\S+) cost_fifo_usd_per_1k_98=(\\S+) cost_aware_usd_per_1k_98=(\\S+)"
            + " cost_primed_usd_per_1k_98=(\\S+) primed_extra_latency_s_98=(\\S+)";

    @Test
    @Timeout(value = 20, unit = TimeUnit.MINUTES)
    void quickBenchPrintsTheSummaryLineLast() throws Exception {
        String report = new Bench(Sizes.quick(), Set.of()).run();
        System.out.print(report);
        String[] lines = report.strip().split("\n");
        String last = lines[lines.length - 1];
        assertThat(last).matches(LINE);
        var m = java.util.regex.Pattern.compile(LINE).matcher(last);
        assertThat(m.matches()).isTrue();
        for (int g = 1; g <= m.groupCount(); g++) {
            assertThat(Double.parseDouble(m.group(g))).as(m.group(0)).isFinite();
        }
    }
}
