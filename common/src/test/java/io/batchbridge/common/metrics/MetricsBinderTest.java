package io.batchbridge.common.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;

class MetricsBinderTest {
    @Test
    void bindsJvmAndProcessFamiliesUnderTheirDocumentedPrefixes() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        try (MetricsBinder binder = new MetricsBinder(registry).bindJvm()) {
            String scrape = registry.scrape();
            assertThat(scrape)
                    .contains("jvm_memory_used_bytes{")
                    .contains("jvm_threads_live_threads ")
                    .contains("jvm_classes_loaded_classes ")
                    .contains("process_uptime_seconds ")
                    .contains("process_cpu_usage ")
                    .contains("system_cpu_count ");
            scrape.lines()
                    .filter(l -> !l.startsWith("#") && !l.isBlank())
                    .map(l -> l.split("[{ ]", 2)[0])
                    .forEach(name ->
                            assertThat(LibraryMetricFamily.of(name)).as(name).isPresent());
        }
    }
}
