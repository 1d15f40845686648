package io.batchbridge.submitter.internal;

import io.batchbridge.common.metrics.BridgeMeters;
import io.batchbridge.common.metrics.BridgeMetric;
import io.batchbridge.common.model.Cost;
import io.batchbridge.common.model.ModelCatalogue;
import io.batchbridge.common.records.DeadLetterReason;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * The submitter's meters, all from the {@link BridgeMetric} catalogue. Tags are bounded: topic, reason, account,
 * lane betas, failure kind — never ids.
 */
public final class SubmitterMetrics {
    private final BridgeMeters meters;

    public SubmitterMetrics(MeterRegistry registry) {
        this.meters = new BridgeMeters(registry);
    }

    public MeterRegistry registry() {
        return meters.registry();
    }

    public void consumed(String topic) {
        meters.counter(BridgeMetric.SUBMITTER_REQUESTS_CONSUMED, topic).increment();
    }

    public void deadLettered(DeadLetterReason reason) {
        meters.counter(BridgeMetric.SUBMITTER_DEAD_LETTERS, reason.code()).increment();
    }

    public void retiredBetaStripped() {
        meters.counter(BridgeMetric.SUBMITTER_RETIRED_BETAS_STRIPPED).increment();
    }

    /** A retry of a tenant over its spend limit was written back to the retry topic, due later. */
    public void spendRetryDeferred(String tenant) {
        meters.counter(BridgeMetric.SUBMITTER_SPEND_RETRIES_DEFERRED, tenant).increment();
    }

    /** A batch was split because its worst case alone exceeds a spend limit. */
    public void spendSplit() {
        meters.counter(BridgeMetric.SUBMITTER_SPEND_BATCHES_SPLIT).increment();
    }

    public void lookupHeld() {
        meters.counter(BridgeMetric.SUBMITTER_LOOKUP_HOLDS).increment();
    }

    public void created(LaneKey lane, int requests, long bodyBytes, Duration latency, Duration sinceFirst) {
        String extended = String.valueOf(lane.betas().contains(ModelCatalogue.EXTENDED_OUTPUT_BETA));
        meters.counter(BridgeMetric.SUBMITTER_BATCHES_CREATED, lane.account(), extended)
                .increment();
        meters.summary(BridgeMetric.SUBMITTER_BATCH_REQUESTS).record(requests);
        meters.summary(BridgeMetric.SUBMITTER_BATCH_BYTES).record(bodyBytes);
        meters.timer(BridgeMetric.SUBMITTER_CREATE_LATENCY).record(latency);
        meters.timer(BridgeMetric.SUBMITTER_TIME_TO_CREATE).record(sinceFirst);
    }

    /** A failed create, by kind: transient, outcome_unknown, rejected, bisected, fatal. */
    /** A create intent written and acknowledged. */
    /** Requests ticketed with a created batch that share another request's API item (de-duplication). */
    public void shared(long requests) {
        meters.counter(BridgeMetric.SUBMITTER_REQUESTS_SHARED).increment(requests);
    }

    public void intentWritten(java.time.Duration d) {
        meters.timer(BridgeMetric.SUBMITTER_INTENT_WRITE).record(d);
    }

    public void createFailed(String kind) {
        meters.counter(BridgeMetric.SUBMITTER_CREATE_FAILURES, kind).increment();
    }

    /** A create call spent isolating the request(s) the API rejected in a batch. */
    public void bisectCall() {
        meters.counter(BridgeMetric.SUBMITTER_BISECT_CALLS).increment();
    }

    /** A batch the API accepted whose ticket was not written with its offsets: reused, cancelled or adopted. */
    public void orphan(String outcome) {
        meters.counter(BridgeMetric.SUBMITTER_ORPHAN_BATCHES, outcome).increment();
    }

    /**
     * A batch cut from a lane: its prefix groups and how many of its requests with a breakpoint share their
     * prefix with another request of the batch (one pass, a map of the batch's fingerprints).
     */
    public void packed(PendingBatch batch) {
        java.util.Map<Long, Integer> groups = new java.util.HashMap<>();
        for (LaneItem i : batch.items()) {
            long f = i.request().prefix().fingerprint();
            if (f != 0) {
                groups.merge(f, 1, Integer::sum);
            }
        }
        if (groups.isEmpty()) {
            return;
        }
        long shared = 0;
        long alone = 0;
        for (int n : groups.values()) {
            if (n > 1) {
                shared += n;
            } else {
                alone++;
            }
        }
        meters.counter(BridgeMetric.SUBMITTER_PREFIX_GROUPS).increment(groups.size());
        meters.counter(BridgeMetric.SUBMITTER_PREFIX_REQUESTS, "true").increment(shared);
        meters.counter(BridgeMetric.SUBMITTER_PREFIX_REQUESTS, "false").increment(alone);
    }

    /** A primer batch queued: one request sent ahead to write a 1-hour cache entry. */
    public void primerSent() {
        meters.counter(BridgeMetric.SUBMITTER_PRIMER_SENT).increment();
    }

    /** Requests held behind a primer, released into their lane, by reason. */
    public void primerReleased(String reason, int requests) {
        meters.counter(BridgeMetric.SUBMITTER_PRIMER_RELEASED, reason).increment(requests);
    }

    /** The requests held behind primers; a new loop's primer replaces the previous one's. */
    public void primerGauge(Supplier<Number> held) {
        replaceGauge(BridgeMetric.SUBMITTER_PRIMER_HELD, held);
    }

    /** The loop's gauges; a new loop (after a Kafka error rewinds the clients) replaces the previous one's. */
    public void gauges(Supplier<Number> bufferedBytes, Supplier<Number> openLanes, Supplier<Number> pausedPartitions) {
        replaceGauge(BridgeMetric.SUBMITTER_BUFFERED_BYTES, bufferedBytes);
        replaceGauge(BridgeMetric.SUBMITTER_LANES_OPEN, openLanes);
        replaceGauge(BridgeMetric.SUBMITTER_PAUSED_PARTITIONS, pausedPartitions);
    }

    /** Registers a gauge of the role's lifetime (state, spend guard). */
    public void gauge(BridgeMetric metric, Supplier<Number> value) {
        metric.gauge(meters.registry(), value);
    }

    /** Per tenant (a bounded label: configured tenants and default): spend still at worst case, priced, engaged. */
    public void spendGauges(SpendGuard guard) {
        if (!guard.enabled()) {
            return;
        }
        for (String tenant : guard.tenantNames()) {
            BridgeMetric.SUBMITTER_SPEND_RESERVED_USD.gauge(
                    meters.registry(), () -> Cost.usd(guard.figures(tenant).worstCase()), tenant);
            BridgeMetric.SUBMITTER_SPEND_ACTUAL_USD.gauge(
                    meters.registry(), () -> Cost.usd(guard.figures(tenant).actual()), tenant);
            BridgeMetric.SUBMITTER_SPEND_TENANT_ENGAGED.gauge(
                    meters.registry(), () -> guard.tenantEngaged(tenant) ? 1 : 0, tenant);
        }
    }

    private void replaceGauge(BridgeMetric metric, Supplier<Number> value) {
        MeterRegistry registry = meters.registry();
        io.micrometer.core.instrument.Gauge old =
                registry.find(metric.metricName()).gauge();
        if (old != null) {
            registry.remove(old);
        }
        metric.gauge(registry, value);
    }
}
