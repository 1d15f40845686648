package io.batchbridge.emulator;

import io.batchbridge.emulator.internal.FaultSpec;
import io.batchbridge.emulator.internal.FaultTable;
import java.util.List;

/**
 * Fault injection of a running emulator: probabilities per endpoint and scripted sequences for deterministic
 * tests. Thread-safe; changes apply to the next request. The same settings are reachable over HTTP at
 * {@code /_emulator/faults} and from the {@code --faults} spec (see {@code docs/emulator.md}).
 */
public final class Faults {
    private final FaultTable table;

    Faults(FaultTable table) {
        this.table = table;
    }

    /** Injects {@code kind} (default parameters) on this fraction of calls to {@code endpoint}; 0 removes it. */
    public void rate(Endpoint endpoint, FaultKind kind, double probability) {
        table.rate(endpoint, Fault.of(kind), probability);
    }

    /** Injects {@code fault} (with its parameters) on this fraction of calls to {@code endpoint}; 0 removes it. */
    public void rate(Endpoint endpoint, Fault fault, double probability) {
        table.rate(endpoint, fault, probability);
    }

    /** The next calls to {@code endpoint} get these faults, in order, before any rate applies; then normal. */
    public void script(Endpoint endpoint, Fault... faults) {
        table.script(endpoint, List.of(faults));
    }

    /** Adds the entries of a spec such as {@code any:429=0.2,results:drop_mid_stream@4096=0.1}. */
    public void apply(String spec) {
        FaultSpec.apply(spec, table);
    }

    /** Removes every rate and script. */
    public void clear() {
        table.clear();
    }

    /** Total faults injected so far. */
    public long injectedCount() {
        return table.injectedCount();
    }

    /** The current configuration in the spec format. */
    public String describe() {
        return table.describe();
    }
}
