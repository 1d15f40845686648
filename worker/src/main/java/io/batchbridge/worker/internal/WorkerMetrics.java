package io.batchbridge.worker.internal;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * The worker's meters. Tags are bounded ({@code result}, {@code reason}, {@code status}, {@code model},
 * {@code outcome}, {@code section}); never a batch id or {@code custom_id}.
 */
public final class WorkerMetrics {
    private final MeterRegistry registry;

    public WorkerMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    public MeterRegistry registry() {
        return registry;
    }

    /** A result line read, by {@code result} type (succeeded, errored, canceled, expired, unknown). */
    public void result(String type) {
        Counter.builder("bridge.worker.results")
                .description("Result lines fanned out, by API result type")
                .tag("result", type)
                .register(registry)
                .increment();
    }

    public void deadLetter(String reason) {
        Counter.builder("bridge.worker.dead.letters")
                .description("Requests dead-lettered by the worker, by reason code")
                .tag("reason", reason)
                .register(registry)
                .increment();
    }

    public void retry() {
        Counter.builder("bridge.worker.retries")
                .description("Retry records written")
                .register(registry)
                .increment();
    }

    public void truncated() {
        Counter.builder("bridge.worker.results.truncated")
                .description("Succeeded results cut at max_tokens (delivered with truncated=true)")
                .register(registry)
                .increment();
    }

    public void cost(String model, double usd) {
        Counter.builder("bridge.worker.cost.usd")
                .description("Cost of succeeded results at batch prices, by model")
                .tag("model", model == null ? "unknown" : model)
                .register(registry)
                .increment(usd);
    }

    /** A retrieve, by {@code status}: in_progress, ended, error, not_found. */
    public void poll(String status) {
        Counter.builder("bridge.worker.polls")
                .description("Batch retrieves, by outcome")
                .tag("status", status)
                .register(registry)
                .increment();
    }

    public double polls() {
        return registry.find("bridge.worker.polls").counters().stream()
                .mapToDouble(Counter::count)
                .sum();
    }

    public void transaction(String outcome) {
        Counter.builder("bridge.worker.transactions")
                .description("Fan-out transactions, by outcome (committed, aborted)")
                .tag("outcome", outcome)
                .register(registry)
                .increment();
    }

    /** Time from seeing a batch ended to its last committed fan-out transaction. */
    public void fanoutLatency(Duration d) {
        Timer.builder("bridge.worker.fanout.latency")
                .description("From a batch seen ended to its results committed")
                .register(registry)
                .record(d);
    }

    public void bytesOut(long bytes) {
        Counter.builder("bridge.worker.fanout.bytes")
                .description("Bytes of result, retry and dead-letter records produced")
                .register(registry)
                .increment(bytes);
    }

    /** A timed section of the poll loop ({@code poll}, {@code track}, {@code revoke}, {@code assign}). */
    public Timer loop(String section) {
        return Timer.builder("bridge.worker.loop")
                .description("Sections of the worker's poll loop")
                .tag("section", section)
                .register(registry);
    }

    public void gauge(String name, String description, Supplier<Number> value) {
        Gauge.builder(name, value).description(description).register(registry);
    }
}
