package io.batchbridge.common.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Objects;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.producer.Producer;

/**
 * Binds the library metric families ({@link LibraryMetricFamily}) to a role's registry: JVM and process
 * metrics, and Kafka client metrics per producer or consumer (consumer lag is
 * {@code kafka_consumer_fetch_manager_records_lag_max}). {@link #close()} releases what needs releasing
 * (the GC listener, the Kafka metric refresh schedulers); call it before closing the Kafka clients.
 */
public final class MetricsBinder implements AutoCloseable {
    private final MeterRegistry registry;
    private final Deque<AutoCloseable> closeables = new ArrayDeque<>();

    public MetricsBinder(MeterRegistry registry) {
        this.registry = Objects.requireNonNull(registry, "registry");
    }

    /** JVM memory, GC, threads, class loading, processor and uptime metrics. */
    public MetricsBinder bindJvm() {
        new JvmMemoryMetrics().bindTo(registry);
        JvmGcMetrics gc = new JvmGcMetrics();
        gc.bindTo(registry);
        track(gc);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        return this;
    }

    /** Every metric the consumer reports, refreshed as Kafka adds per-partition metrics after assignment. */
    public MetricsBinder bindKafkaClient(Consumer<?, ?> consumer) {
        return bindKafka(new KafkaClientMetrics(Objects.requireNonNull(consumer, "consumer")));
    }

    /** Every metric the producer reports. */
    public MetricsBinder bindKafkaClient(Producer<?, ?> producer) {
        return bindKafka(new KafkaClientMetrics(Objects.requireNonNull(producer, "producer")));
    }

    private MetricsBinder bindKafka(KafkaClientMetrics metrics) {
        metrics.bindTo(registry);
        track(metrics);
        return this;
    }

    private void track(MeterBinder binder) {
        if (binder instanceof AutoCloseable c) {
            synchronized (closeables) {
                closeables.push(c);
            }
        }
    }

    /** Unbinds in reverse order; failures are suppressed so every binder gets its turn. */
    @Override
    public void close() {
        RuntimeException first = null;
        while (true) {
            AutoCloseable c;
            synchronized (closeables) {
                c = closeables.poll();
            }
            if (c == null) {
                break;
            }
            try {
                c.close();
            } catch (Exception e) {
                if (first == null) {
                    first = new IllegalStateException("unbinding metrics failed", e);
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
