package io.batchbridge.emulator.internal;

import io.batchbridge.emulator.Endpoint;
import io.batchbridge.emulator.Fault;
import io.batchbridge.emulator.FaultKind;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The fault configuration: per-endpoint probabilities and scripted sequences. All methods synchronise on
 * the table: draws are rare compared with the work of a request, and one lock keeps a script's order exact.
 */
public final class FaultTable {
    private final Map<Endpoint, Map<FaultKind, Rate>> rates = new EnumMap<>(Endpoint.class);
    private final Map<Endpoint, Deque<Fault>> scripts = new EnumMap<>(Endpoint.class);
    private final SplittableRandom random;
    private long injected;

    /** A probability for one fault (with its parameters). */
    public record Rate(Fault fault, double probability) {}

    public FaultTable(long seed) {
        this.random = new SplittableRandom(seed ^ 0x5DEECE66DL);
    }

    public synchronized void rate(Endpoint endpoint, Fault fault, double probability) {
        if (!(probability >= 0 && probability <= 1)) {
            throw new IllegalArgumentException("fault probability must be between 0 and 1 but was " + probability);
        }
        Map<FaultKind, Rate> forEndpoint = rates.computeIfAbsent(endpoint, e -> new LinkedHashMap<>());
        if (probability == 0) {
            forEndpoint.remove(fault.kind());
        } else {
            forEndpoint.put(fault.kind(), new Rate(fault, probability));
        }
    }

    public synchronized void script(Endpoint endpoint, List<Fault> faults) {
        scripts.computeIfAbsent(endpoint, e -> new ArrayDeque<>()).addAll(faults);
    }

    public synchronized void clear() {
        rates.clear();
        scripts.clear();
    }

    public synchronized long injectedCount() {
        return injected;
    }

    /**
     * The fault for the next call to {@code endpoint}, or null. Scripts come first (the endpoint's own, then
     * {@link Endpoint#ANY}'s), then one uniform draw against the summed rates.
     */
    public synchronized Fault draw(Endpoint endpoint) {
        Fault f = poll(endpoint);
        if (f == null) {
            f = poll(Endpoint.ANY);
        }
        if (f == null) {
            f = drawRate(endpoint);
        }
        if (f != null) {
            injected++;
        }
        return f;
    }

    private Fault poll(Endpoint endpoint) {
        Deque<Fault> q = scripts.get(endpoint);
        return q == null ? null : q.pollFirst();
    }

    private Fault drawRate(Endpoint endpoint) {
        List<Rate> all = new ArrayList<>(rates.getOrDefault(endpoint, Map.of()).values());
        if (endpoint != Endpoint.ANY) {
            all.addAll(rates.getOrDefault(Endpoint.ANY, Map.of()).values());
        }
        if (all.isEmpty()) {
            return null;
        }
        double u = random.nextDouble();
        double cumulative = 0;
        for (Rate r : all) {
            cumulative += r.probability();
            if (u < cumulative) {
                return r.fault();
            }
        }
        return null;
    }

    /** A readable description of the current configuration, in the spec format. */
    public synchronized String describe() {
        List<String> parts = new ArrayList<>();
        rates.forEach((e, m) -> m.values()
                .forEach(r -> parts.add(e.specName() + ":" + FaultSpec.format(r.fault()) + "=" + r.probability())));
        scripts.forEach((e, q) -> {
            if (!q.isEmpty()) {
                List<String> items = new ArrayList<>();
                q.forEach(f -> items.add(FaultSpec.format(f)));
                parts.add(e.specName() + ":script=" + String.join("/", items));
            }
        });
        return String.join(",", parts);
    }
}
