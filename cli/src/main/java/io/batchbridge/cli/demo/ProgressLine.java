package io.batchbridge.cli.demo;

import io.batchbridge.common.metrics.BridgeMetric;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/** One updating line of live progress, read from the roles' meters (names from the {@link BridgeMetric} catalogue). */
final class ProgressLine {
    private final MeterRegistry submitter;
    private final MeterRegistry worker;
    private final int requests;

    ProgressLine(MeterRegistry submitter, MeterRegistry worker, int requests) {
        this.submitter = submitter;
        this.worker = worker;
        this.requests = requests;
    }

    String render() {
        long submitted = (long) submitter.find(BridgeMetric.SUBMITTER_BATCH_REQUESTS.metricName()).summaries().stream()
                .mapToDouble(DistributionSummary::totalAmount)
                .sum();
        long batches = (long) sum(submitter, BridgeMetric.SUBMITTER_BATCHES_CREATED);
        long open = (long) worker.find(BridgeMetric.WORKER_BATCHES_OPEN.metricName()).gauges().stream()
                .mapToDouble(Gauge::value)
                .sum();
        long delivered = (long)
                worker.find(BridgeMetric.WORKER_RESULTS.metricName()).tag("result", "succeeded").counters().stream()
                        .mapToDouble(Counter::count)
                        .sum();
        long retries = (long) sum(worker, BridgeMetric.WORKER_RETRIES);
        long dead = (long)
                (sum(submitter, BridgeMetric.SUBMITTER_DEAD_LETTERS) + sum(worker, BridgeMetric.WORKER_DEAD_LETTERS));
        return String.format(
                "requests %d | submitted %d in %d batches | open batches %d | delivered %d | retries %d | dead letters %d   ",
                requests, submitted, batches, open, delivered, retries, dead);
    }

    private static double sum(MeterRegistry registry, BridgeMetric metric) {
        return registry.find(metric.metricName()).counters().stream()
                .mapToDouble(Counter::count)
                .sum();
    }
}
