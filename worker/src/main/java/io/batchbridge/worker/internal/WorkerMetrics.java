package io.batchbridge.worker.internal;

import io.batchbridge.common.metrics.BridgeMeters;
import io.batchbridge.common.metrics.BridgeMetric;
import io.batchbridge.common.model.ModelCatalogue;
import io.batchbridge.common.model.Prices;
import io.batchbridge.common.model.TokenUsage;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * The worker's meters, all from the {@link BridgeMetric} catalogue. Tags are bounded ({@code result},
 * {@code reason}, {@code status}, {@code model}, {@code account}, {@code outcome}, {@code section}); never a
 * batch id or {@code custom_id}.
 */
public final class WorkerMetrics {
    /** The model tag of a result whose line names no model. */
    static final String UNKNOWN_MODEL = "unknown";

    private final BridgeMeters meters;

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

    /**
     * Tokens and cost of one succeeded result: {@code bridge.tokens} by kind, {@code bridge.cost.usd} at batch and
     * standard prices, and the older {@code bridge.worker.cost.usd}. A model the catalogue does not know counts
     * tokens but no cost.
     */
    public void usage(String model, String account, TokenUsage u, ModelCatalogue catalogue) {
        String m = model == null ? UNKNOWN_MODEL : model;
        increment(meters.counter(BridgeMetric.TOKENS, m, "input"), u.inputTokens());
        increment(meters.counter(BridgeMetric.TOKENS, m, "output"), u.outputTokens());
        increment(
                meters.counter(BridgeMetric.TOKENS, m, "cache_write"), u.cacheWrite5mTokens() + u.cacheWrite1hTokens());
        increment(meters.counter(BridgeMetric.TOKENS, m, "cache_read"), u.cacheReadTokens());
        Prices prices = model == null
                ? null
                : catalogue.find(model).map(i -> i.prices()).orElse(null);
        double batch = prices == null ? 0 : prices.batchCost(u);
        double standard = prices == null ? 0 : prices.standardCost(u);
        meters.counter(BridgeMetric.COST_USD, m, account, "batch").increment(batch);
        meters.counter(BridgeMetric.COST_USD, m, account, "standard").increment(standard);
        meters.counter(BridgeMetric.WORKER_COST_USD, m).increment(batch);
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
