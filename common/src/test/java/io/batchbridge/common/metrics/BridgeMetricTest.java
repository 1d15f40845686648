package io.batchbridge.common.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class BridgeMetricTest {
    private static final Pattern DOTTED = Pattern.compile("bridge(\\.[a-z0-9]+)+");
    /** Tag keys that would make series unbounded. */
    private static final Set<String> UNBOUNDED = Set.of("batch_id", "batch", "custom_id", "id", "request_id", "offset");

    @Test
    void namesAreDottedPrefixedAndUnique() {
        Set<String> seen = new HashSet<>();
        for (BridgeMetric m : BridgeMetric.values()) {
            assertThat(m.metricName()).as(m.name()).matches(DOTTED);
            assertThat(seen.add(m.metricName()))
                    .as("duplicate " + m.metricName())
                    .isTrue();
            assertThat(m.description()).as(m.name()).isNotBlank();
            for (String reserved : BridgeMetric.RESERVED_SUFFIXES) {
                assertThat(m.metricName().replace('.', '_'))
                        .as(m.metricName() + " ends with a suffix Prometheus strips")
                        .doesNotEndWith(reserved);
            }
        }
        Set<String> prometheus = Arrays.stream(BridgeMetric.values())
                .map(BridgeMetric::prometheusName)
                .collect(Collectors.toSet());
        assertThat(prometheus).hasSize(BridgeMetric.values().length);
    }

    @Test
    void tagKeysAreBoundedSnakeCase() {
        for (BridgeMetric m : BridgeMetric.values()) {
            assertThat(m.tagKeys()).as(m.metricName()).doesNotContainAnyElementsOf(UNBOUNDED);
            assertThat(m.tagKeys()).as(m.metricName()).allMatch(k -> k.matches("[a-z][a-z_]*"));
        }
    }

    @Test
    void prometheusNamesFollowMicrometersConvention() {
        assertThat(BridgeMetric.WORKER_RESULTS.prometheusName()).isEqualTo("bridge_worker_results_total");
        assertThat(BridgeMetric.WORKER_FANOUT_BYTES.prometheusName()).isEqualTo("bridge_worker_fanout_bytes_total");
        assertThat(BridgeMetric.COST_USD.prometheusName()).isEqualTo("bridge_cost_usd_total");
        assertThat(BridgeMetric.TOKENS.prometheusName()).isEqualTo("bridge_tokens_total");
        assertThat(BridgeMetric.API_CALLS.prometheusName()).isEqualTo("bridge_api_calls_seconds");
        assertThat(BridgeMetric.SUBMITTER_BATCH_BYTES.prometheusName()).isEqualTo("bridge_submitter_batch_bytes");
        assertThat(BridgeMetric.WORKER_BATCHES_OLDEST_OPEN_AGE.prometheusName())
                .isEqualTo("bridge_worker_batches_oldest_open_age_seconds");
        assertThat(BridgeMetric.WORKER_STATE.prometheusName()).isEqualTo("bridge_worker_state");
        assertThat(BridgeMetric.SUBMITTER_BATCHES_CREATED.prometheusName()).isEqualTo("bridge_submitter_batches_total");
        assertThat(BridgeMetric.withoutReservedSuffixes("bridge_x_created")).isEqualTo("bridge_x");
    }

    /** The hand-written naming rule must agree with what the real Prometheus registry exposes, metric by metric. */
    @Test
    void everyPrometheusNameIsWhatTheRegistryScrapes() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        for (BridgeMetric m : BridgeMetric.values()) {
            String[] values = m.tagKeys().stream().map(k -> "x").toArray(String[]::new);
            switch (m.type()) {
                case COUNTER -> m.counter(registry, values).increment();
                case TIMER -> m.timer(registry, values).record(Duration.ofSeconds(3));
                case DISTRIBUTION_SUMMARY -> m.summary(registry, values).record(42);
                case GAUGE -> m.gauge(registry, () -> 7, values);
                default -> throw new AssertionError(m.type());
            }
        }
        Set<String> scraped = registry.scrape()
                .lines()
                .filter(l -> !l.startsWith("#") && !l.isBlank())
                .map(l -> l.split("[{ ]", 2)[0])
                .collect(Collectors.toSet());
        for (BridgeMetric m : BridgeMetric.values()) {
            String p = m.prometheusName();
            switch (m.type()) {
                case TIMER, DISTRIBUTION_SUMMARY -> {
                    assertThat(scraped).as(m.metricName()).contains(p + "_count", p + "_sum", p + "_max");
                    if (!m.histogramBuckets().isEmpty()) {
                        assertThat(scraped).as(m.metricName()).contains(p + "_bucket");
                    }
                }
                default -> assertThat(scraped).as(m.metricName()).contains(p);
            }
        }
        String scrape = registry.scrape();
        assertThat(scrape)
                .contains("bridge_worker_batch_duration_seconds_bucket{le=\"72000.0\"} 1")
                .contains("bridge_api_calls_seconds_bucket{account=\"x\",op=\"x\",status=\"x\",le=\"2.5\"} 0")
                .contains("bridge_api_calls_seconds_bucket{account=\"x\",op=\"x\",status=\"x\",le=\"5.0\"} 1");
        for (String series : scraped) {
            assertThat(BridgeMetric.fromPrometheusName(series)).as(series).isPresent();
        }
    }

    @Test
    void fromPrometheusNameAcceptsSeriesSuffixesOnlyWhereMicrometerEmitsThem() {
        assertThat(BridgeMetric.fromPrometheusName("bridge_api_calls_seconds_bucket"))
                .contains(BridgeMetric.API_CALLS);
        assertThat(BridgeMetric.fromPrometheusName("bridge_submitter_batch_bytes_max"))
                .contains(BridgeMetric.SUBMITTER_BATCH_BYTES);
        assertThat(BridgeMetric.fromPrometheusName("bridge_worker_results_total"))
                .contains(BridgeMetric.WORKER_RESULTS);
        assertThat(BridgeMetric.fromPrometheusName("bridge_worker_results_total_count"))
                .isEmpty();
        assertThat(BridgeMetric.fromPrometheusName("bridge_worker_results")).isEmpty();
        assertThat(BridgeMetric.fromPrometheusName("bridge_worker_state_sum")).isEmpty();
    }

    @Test
    void rejectsAWrongNumberOfTagValuesNamingTheMetric() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        assertThatThrownBy(() -> BridgeMetric.WORKER_RESULTS.counter(registry))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("bridge.worker.results takes 1 tag value(s) [result] but was given 0");
        assertThatThrownBy(() -> BridgeMetric.COST_USD.counter(registry, "claude-x", "default"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("[model, account, pricing, tenant, kind]");
        assertThatThrownBy(() -> BridgeMetric.WORKER_RETRIES.counter(registry, (String) null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("tag reason must not be null");
        assertThat(registry.getMeters()).isEmpty();
    }

    @Test
    void rejectsTheWrongMeterType() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        assertThatThrownBy(() -> BridgeMetric.WORKER_FANOUT_LATENCY.counter(registry))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("bridge.worker.fanout.latency is a TIMER, not a COUNTER");
        assertThatThrownBy(() -> BridgeMetric.WORKER_RESULTS.gauge(registry, () -> 1, "succeeded"))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void helpersRegisterTheCataloguedNameTagsAndDescription() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        BridgeMetric.COST_USD
                .counter(registry, "claude-sonnet-4-5", "default", "batch", "default", "input")
                .increment(0.25);
        BridgeMetric.COST_USD
                .counter(registry, "claude-sonnet-4-5", "default", "batch", "default", "input")
                .increment(0.25);

        Counter c = registry.get("bridge.cost.usd")
                .tags(
                        "model",
                        "claude-sonnet-4-5",
                        "account",
                        "default",
                        "pricing",
                        "batch",
                        "tenant",
                        "default",
                        "kind",
                        "input")
                .counter();
        assertThat(c.count()).isEqualTo(0.5);
        assertThat(c.getId().getDescription()).isEqualTo(BridgeMetric.COST_USD.description());
        assertThat(c.getId().getBaseUnit()).isEqualTo("usd");
        assertThat(c.getId().getType()).isEqualTo(Meter.Type.COUNTER);
    }

    @Test
    void gaugesReadTheirSupplierAtEachScrape() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        AtomicInteger open = new AtomicInteger(3);
        BridgeMetric.WORKER_BATCHES_OPEN.gauge(registry, open::get);
        BridgeMetric.SUBMITTER_LANES_OPEN.gauge(registry, open, AtomicInteger::get);
        open.set(11);
        assertThat(registry.get("bridge.worker.batches.open").gauge().value()).isEqualTo(11);
        assertThat(registry.get("bridge.submitter.lanes.open").gauge().value()).isEqualTo(11);
    }

    @Test
    void bridgeMetersCachesPerTagValuesAndStillValidates() {
        BridgeMeters meters = new BridgeMeters(new SimpleMeterRegistry());
        Counter a = meters.counter(BridgeMetric.WORKER_RESULTS, "succeeded");
        assertThat(meters.counter(BridgeMetric.WORKER_RESULTS, "succeeded")).isSameAs(a);
        assertThat(meters.counter(BridgeMetric.WORKER_RESULTS, "errored")).isNotSameAs(a);
        meters.timer(BridgeMetric.WORKER_LOOP, "poll").record(Duration.ofMillis(5));
        meters.summary(BridgeMetric.SUBMITTER_BATCH_REQUESTS).record(100);
        assertThat(meters.registry()
                        .get("bridge.worker.loop")
                        .tag("section", "poll")
                        .timer()
                        .count())
                .isEqualTo(1);
        assertThatThrownBy(() -> meters.counter(BridgeMetric.WORKER_RESULTS))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> meters.counter(BridgeMetric.WORKER_RESULTS, "a", "b"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void libraryFamiliesDoNotOverlapTheBridgePrefix() {
        for (LibraryMetricFamily f : LibraryMetricFamily.values()) {
            assertThat(f.prefix()).doesNotStartWith("bridge_").endsWith("_");
        }
        assertThat(LibraryMetricFamily.of("kafka_consumer_fetch_manager_records_lag_max"))
                .contains(LibraryMetricFamily.KAFKA_CONSUMER);
        assertThat(LibraryMetricFamily.of("up")).isEmpty();
        assertThat(List.of(LibraryMetricFamily.values())).isNotEmpty();
    }
}
