package io.batchbridge.common.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The catalogue's meters for one injected registry, cached by (metric, tag values) so a hot path pays one
 * map lookup instead of building a meter id per event. One instance per registry, owned by the role's
 * composition root; nothing static.
 */
public final class BridgeMeters {
    private final MeterRegistry registry;
    private final Map<Key, Meter> cache = new ConcurrentHashMap<>();

    public BridgeMeters(MeterRegistry registry) {
        this.registry = Objects.requireNonNull(registry, "registry");
    }

    public MeterRegistry registry() {
        return registry;
    }

    public Counter counter(BridgeMetric metric, String... tagValues) {
        return (Counter) cached(metric, tagValues, () -> metric.counter(registry, tagValues));
    }

    public Timer timer(BridgeMetric metric, String... tagValues) {
        return (Timer) cached(metric, tagValues, () -> metric.timer(registry, tagValues));
    }

    public DistributionSummary summary(BridgeMetric metric, String... tagValues) {
        return (DistributionSummary) cached(metric, tagValues, () -> metric.summary(registry, tagValues));
    }

    private Meter cached(BridgeMetric metric, String[] tagValues, java.util.function.Supplier<Meter> register) {
        // Fast path: a view of the varargs array as lookup key; only a miss validates and stores a copy.
        Meter m = cache.get(new Key(metric, Arrays.asList(tagValues)));
        if (m != null) {
            return m;
        }
        metric.tags(tagValues); // rejects a wrong count or a null value, naming the metric
        return cache.computeIfAbsent(new Key(metric, List.of(tagValues)), k -> register.get());
    }

    private record Key(BridgeMetric metric, List<String> tagValues) {}
}
