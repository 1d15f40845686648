package io.batchbridge.cli.demo;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/** One updating line of live progress, read from the roles' meters. */
final class ProgressLine {
    private final MeterRegistry registry;
    private final int requests;

    ProgressLine(MeterRegistry registry, int requests) {
        this.registry = registry;
        this.requests = requests;
    }

    String render() {
        long submitted = (long) registry.find("bridge.submitter.batch.requests").summaries().stream()
                .mapToDouble(DistributionSummary::totalAmount)
                .sum();
        long batches = (long) registry.find("bridge.submitter.batches.created").counters().stream()
                .mapToDouble(Counter::count)
                .sum();
        long open = (long) registry.find("bridge.worker.batches.open").gauges().stream()
                .mapToDouble(Gauge::value)
                .sum();
        long delivered = (long) count("bridge.worker.results", "result", "succeeded");
        long retries = (long) sum("bridge.worker.retries");
        long dead = (long) (sum("bridge.submitter.dead.letters") + sum("bridge.worker.dead.letters"));
        return String.format(
                "requests %d | submitted %d in %d batches | open batches %d | delivered %d | retries %d | dead letters %d   ",
                requests, submitted, batches, open, delivered, retries, dead);
    }

    private double sum(String name) {
        return registry.find(name).counters().stream()
                .mapToDouble(Counter::count)
                .sum();
    }

    private double count(String name, String tag, String value) {
        return registry.find(name).tag(tag, value).counters().stream()
                .mapToDouble(Counter::count)
                .sum();
    }
}
