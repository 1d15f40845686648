package io.batchbridge.submitter.internal;

import io.batchbridge.common.records.DeadLetterReason;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.function.Supplier;

/** The submitter's meters. Tags are bounded: outcome, reason, account, lane betas — never ids. */
public final class SubmitterMetrics {
    private final MeterRegistry registry;

    public SubmitterMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    public void consumed(String topic) {
        Counter.builder("bridge.submitter.requests.consumed")
                .description("Request and retry records consumed")
                .tag("topic", topic)
                .register(registry)
                .increment();
    }

    public void deadLettered(DeadLetterReason reason) {
        Counter.builder("bridge.submitter.dead.letters")
                .description("Requests dead-lettered at intake or create time")
                .tag("reason", reason.code())
                .register(registry)
                .increment();
    }

    public void retiredBetaStripped() {
        Counter.builder("bridge.submitter.retired.betas.stripped")
                .description("Requests whose retired beta (context-1m-2025-08-07) was removed")
                .register(registry)
                .increment();
    }

    public void created(LaneKey lane, int requests, long bodyBytes, Duration latency, Duration sinceFirst) {
        String extended =
                String.valueOf(lane.betas().contains(io.batchbridge.common.model.ModelCatalogue.EXTENDED_OUTPUT_BETA));
        Counter.builder("bridge.submitter.batches.created")
                .description("API batches created")
                .tags("account", lane.account(), "extended_output", extended)
                .register(registry)
                .increment();
        DistributionSummary.builder("bridge.submitter.batch.requests")
                .description("Requests per created batch")
                .register(registry)
                .record(requests);
        DistributionSummary.builder("bridge.submitter.batch.bytes")
                .description("Create body bytes per created batch")
                .baseUnit("bytes")
                .register(registry)
                .record(bodyBytes);
        Timer.builder("bridge.submitter.create.latency")
                .description("Time of a successful create call")
                .register(registry)
                .record(latency);
        Timer.builder("bridge.submitter.time.to.create")
                .description("Time from a batch's first request arriving to the batch being created")
                .register(registry)
                .record(sinceFirst);
    }

    public void createFailed(String kind) {
        Counter.builder("bridge.submitter.create.failures")
                .description("Create calls that failed (kind: transient, outcome_unknown, rejected, bisected, fatal)")
                .tag("kind", kind)
                .register(registry)
                .increment();
    }

    public void gauges(Supplier<Number> bufferedBytes, Supplier<Number> openLanes, Supplier<Number> pausedPartitions) {
        registry.gauge(
                "bridge.submitter.buffered.bytes",
                java.util.List.of(),
                bufferedBytes,
                s -> s.get().doubleValue());
        registry.gauge(
                "bridge.submitter.lanes.open",
                java.util.List.of(),
                openLanes,
                s -> s.get().doubleValue());
        registry.gauge(
                "bridge.submitter.paused.partitions",
                java.util.List.of(),
                pausedPartitions,
                s -> s.get().doubleValue());
    }
}
