package io.batchbridge.worker.internal;

import io.batchbridge.common.metrics.BridgeMeters;
import io.batchbridge.common.metrics.BridgeMetric;
import io.batchbridge.common.model.Cost;
import io.batchbridge.common.model.CostLedger;
import io.batchbridge.common.model.PriceRates;
import io.batchbridge.common.model.TokenUsage;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * The worker's meters, all from the {@link BridgeMetric} catalogue. Tags are bounded ({@code result},
 * {@code reason}, {@code status}, {@code model}, {@code account}, {@code outcome}, {@code section}, {@code kind},
 * {@code pricing}, {@code vs}, and {@code tenant}, whose values are the configured tenants and {@code default});
 * never a batch id or {@code custom_id}.
 */
public final class WorkerMetrics {
    /** The model tag of a result whose line names no model. */
    static final String UNKNOWN_MODEL = "unknown";

    private final BridgeMeters meters;
    private final CostLedger ledger = new CostLedger();

    public WorkerMetrics(MeterRegistry registry) {
        this.meters = new BridgeMeters(registry);
    }

    public MeterRegistry registry() {
        return meters.registry();
    }

    /** A result line read, by {@code result} type (succeeded, errored, canceled, expired, unknown). */
    public void result(String type) {
        meters.counter(BridgeMetric.WORKER_RESULTS, type).increment();
    }

    public void deadLetter(String reason) {
        meters.counter(BridgeMetric.WORKER_DEAD_LETTERS, reason).increment();
    }

    /** A record of the batches topic skipped: {@code invalid}, {@code inconsistent} or {@code incomplete}. */
    public void ticketSkipped(String reason) {
        meters.counter(BridgeMetric.WORKER_TICKETS_SKIPPED, reason).increment();
    }

    /** A retry record written, by reason: {@code expired} or the errored type. */
    public void retry(String reason) {
        meters.counter(BridgeMetric.WORKER_RETRIES, reason).increment();
    }

    public void truncated() {
        meters.counter(BridgeMetric.WORKER_RESULTS_TRUNCATED).increment();
    }

    /** A result delivered to a de-duplicated request (it shares another's answer and cost). */
    public void sharedDelivery() {
        meters.counter(BridgeMetric.WORKER_RESULTS_SHARED).increment();
    }

    /**
     * Tokens and cost of one succeeded result: {@code bridge.tokens} by kind; its exact cost into the
     * {@link #ledger()}, and from the same micro-dollar figures {@code bridge.cost.usd} by pricing (batch, standard,
     * no_cache), tenant and kind, {@code bridge.cost.savings.usd} (vs standard, vs no_cache),
     * {@code bridge.cost.cache.extra.usd}, and the older {@code bridge.worker.cost.usd}. A model the catalogue does not
     * know ({@code cost} null) counts tokens but no cost.
     */
    public void usage(String model, String account, String tenant, TokenUsage u, Cost cost) {
        String m = model == null ? UNKNOWN_MODEL : model;
        if (cost != null) {
            cost(m, account, tenant, cost);
        }
        // tokens last, output tokens the very last: a reader that sees a result's output tokens sees all its cost
        increment(meters.counter(BridgeMetric.TOKENS, m, "input"), u.inputTokens());
        increment(
                meters.counter(BridgeMetric.TOKENS, m, "cache_write"), u.cacheWrite5mTokens() + u.cacheWrite1hTokens());
        increment(meters.counter(BridgeMetric.TOKENS, m, "cache_read"), u.cacheReadTokens());
        increment(meters.counter(BridgeMetric.TOKENS, m, "output"), u.outputTokens());
    }

    private void cost(String m, String account, String tenant, Cost cost) {
        ledger.add(tenant, cost);
        for (String kind : PriceRates.KINDS) {
            usd(
                    meters.counter(BridgeMetric.COST_USD, m, account, "batch", tenant, kind),
                    cost.batch().of(kind));
            usd(
                    meters.counter(BridgeMetric.COST_USD, m, account, "standard", tenant, kind),
                    cost.standard().of(kind));
            usd(
                    meters.counter(BridgeMetric.COST_USD, m, account, "no_cache", tenant, kind),
                    cost.noCache().of(kind));
        }
        usd(
                meters.counter(BridgeMetric.COST_SAVINGS_USD, m, account, tenant, "standard"),
                cost.savingsVsStandardMicros());
        long cacheSaving = cost.savingsVsNoCacheMicros();
        if (cacheSaving >= 0) {
            usd(meters.counter(BridgeMetric.COST_SAVINGS_USD, m, account, tenant, "no_cache"), cacheSaving);
        } else {
            usd(meters.counter(BridgeMetric.COST_CACHE_EXTRA_USD, m, account, tenant), -cacheSaving);
        }
        usd(meters.counter(BridgeMetric.WORKER_COST_USD, m), cost.totalMicros());
    }

    /** The exact sums (micro-dollars) of every cost {@link #usage} counted, by tenant. */
    public CostLedger ledger() {
        return ledger;
    }

    /** Adds micro-dollars to a USD counter; a zero adds nothing but the counter exists (a kind seen as 0). */
    private static void usd(Counter c, long micros) {
        if (micros > 0) {
            c.increment(Cost.usd(micros));
        }
    }

    private static void increment(Counter c, long n) {
        if (n > 0) {
            c.increment(n);
        }
    }

    /** A retrieve, by {@code status}: in_progress, ended, error, not_found. */
    public void poll(String status) {
        meters.counter(BridgeMetric.WORKER_POLLS, status).increment();
    }

    public double polls() {
        return meters.registry().find(BridgeMetric.WORKER_POLLS.metricName()).counters().stream()
                .mapToDouble(Counter::count)
                .sum();
    }

    public void transaction(String outcome) {
        meters.counter(BridgeMetric.WORKER_TRANSACTIONS, outcome).increment();
    }

    /** A fan-out checkpoint committed with its transaction. */
    public void fanoutThreadReplaced() {
        meters.counter(BridgeMetric.WORKER_FANOUT_THREADS_REPLACED).increment();
    }

    public void checkpoint() {
        meters.counter(BridgeMetric.WORKER_CHECKPOINTS).increment();
    }

    /** Time from seeing a batch ended to its last committed fan-out transaction. */
    public void fanoutLatency(Duration d) {
        meters.timer(BridgeMetric.WORKER_FANOUT_LATENCY).record(d);
    }

    /** A batch's processing time as the API reports it: {@code created_at} to {@code ended_at}. */
    public void batchDuration(Duration d) {
        if (!d.isNegative()) {
            meters.timer(BridgeMetric.WORKER_BATCH_DURATION).record(d);
        }
    }

    public void bytesOut(long bytes) {
        meters.counter(BridgeMetric.WORKER_FANOUT_BYTES).increment(bytes);
    }

    /** A timed section of the poll loop ({@code poll}, {@code track}, {@code revoke}, {@code assign}). */
    public Timer loop(String section) {
        return meters.timer(BridgeMetric.WORKER_LOOP, section);
    }

    public void gauge(BridgeMetric metric, Supplier<Number> value) {
        metric.gauge(meters.registry(), value);
    }
}
