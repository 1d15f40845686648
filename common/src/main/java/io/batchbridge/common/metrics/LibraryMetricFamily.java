package io.batchbridge.common.metrics;

import java.util.Optional;

/**
 * Metric families bound from libraries into the same registry, by Prometheus name prefix. Their names are
 * the libraries' own, so they are listed by family rather than one by one; {@code docs/metrics.md} renders
 * this table and the deploy checks accept a non-{@code bridge_} name only under one of these prefixes.
 */
public enum LibraryMetricFamily {
    JVM_MEMORY("jvm_memory_", "Micrometer JvmMemoryMetrics", "heap and non-heap pools: used, committed, max"),
    JVM_BUFFER("jvm_buffer_", "Micrometer JvmMemoryMetrics", "direct and mapped buffer pools"),
    JVM_GC("jvm_gc_", "Micrometer JvmGcMetrics", "pauses, allocation and promotion, live data size"),
    JVM_THREADS("jvm_threads_", "Micrometer JvmThreadMetrics", "live, daemon and peak threads, by state"),
    JVM_CLASSES("jvm_classes_", "Micrometer ClassLoaderMetrics", "loaded and unloaded classes"),
    PROCESS(
            "process_",
            "Micrometer ProcessorMetrics, UptimeMetrics",
            "process_cpu_usage, process_uptime_seconds, process_start_time_seconds"),
    SYSTEM("system_", "Micrometer ProcessorMetrics", "system_cpu_usage, system_cpu_count, system_load_average_1m"),
    KAFKA_CONSUMER(
            "kafka_consumer_",
            "Micrometer KafkaClientMetrics (MetricsBinder.bindKafkaClient)",
            "every consumer metric Kafka reports; lag: kafka_consumer_fetch_manager_records_lag_max"),
    KAFKA_PRODUCER(
            "kafka_producer_",
            "Micrometer KafkaClientMetrics (MetricsBinder.bindKafkaClient)",
            "every producer metric Kafka reports, e.g. kafka_producer_record_error_total"),
    RESILIENCE4J_CIRCUITBREAKER(
            "resilience4j_circuitbreaker_",
            "resilience4j-micrometer TaggedCircuitBreakerMetrics (client Guards)",
            "resilience4j_circuitbreaker_state{name,state} is 1 for the current state; calls, failure rate"),
    RESILIENCE4J_RETRY(
            "resilience4j_retry_",
            "resilience4j-micrometer TaggedRetryMetrics (client Guards)",
            "resilience4j_retry_calls_total{kind=successful_without_retry|successful_with_retry|failed_*}"),
    RESILIENCE4J_RATELIMITER(
            "resilience4j_ratelimiter_",
            "resilience4j-micrometer TaggedRateLimiterMetrics (client Guards)",
            "available permissions, waiting threads"),
    RESILIENCE4J_BULKHEAD(
            "resilience4j_bulkhead_",
            "resilience4j-micrometer TaggedBulkheadMetrics (client Guards)",
            "available concurrent calls");

    private final String prefix;
    private final String source;
    private final String contents;

    LibraryMetricFamily(String prefix, String source, String contents) {
        this.prefix = prefix;
        this.source = source;
        this.contents = contents;
    }

    /** The Prometheus name prefix every metric of the family starts with. */
    public String prefix() {
        return prefix;
    }

    /** The binder that registers the family. */
    public String source() {
        return source;
    }

    /** What the family holds, with the names the alerts and dashboard use. */
    public String contents() {
        return contents;
    }

    /** The family a Prometheus series name belongs to, if any. */
    public static Optional<LibraryMetricFamily> of(String series) {
        for (LibraryMetricFamily f : values()) {
            if (series.startsWith(f.prefix)) {
                return Optional.of(f);
            }
        }
        return Optional.empty();
    }
}
