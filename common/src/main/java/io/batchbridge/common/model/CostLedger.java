package io.batchbridge.common.model;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Exact running sums of result costs in integer micro-dollars, by tenant: what the cost metrics are derived from,
 * kept without floating point so that the total is exactly the sum of the entries (overflow throws instead of
 * wrapping; a long holds 9.2 trillion USD in micro-dollars). Thread-safe: fan-out threads add concurrently.
 */
public final class CostLedger {
    private final Map<String, Cost> byTenant = new ConcurrentHashMap<>();

    /** Adds one result's cost to its tenant. */
    public void add(String tenant, Cost cost) {
        byTenant.merge(tenant, cost, Cost::plus);
    }

    /** The sum over all tenants. */
    public Cost total() {
        Cost sum = Cost.ZERO;
        for (Cost c : byTenant.values()) {
            sum = sum.plus(c);
        }
        return sum;
    }

    /** The sum of one tenant ({@link Cost#ZERO} if it has none). */
    public Cost tenant(String tenant) {
        return byTenant.getOrDefault(tenant, Cost.ZERO);
    }

    /** A sorted copy, tenant → sum. */
    public Map<String, Cost> byTenant() {
        return new TreeMap<>(byTenant);
    }
}
