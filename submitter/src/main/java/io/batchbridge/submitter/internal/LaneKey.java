package io.batchbridge.submitter.internal;

import io.batchbridge.common.config.Tenants;
import java.util.SortedSet;

/**
 * Betas are per HTTP request, so per batch: requests are grouped by (API account, beta set). And by tenant (the
 * configured tenant of the request's topic, never a record's field), so a batch counts against one tenant's limit.
 */
public record LaneKey(String account, SortedSet<String> betas, String tenant) {
    public LaneKey {
        betas = java.util.Collections.unmodifiableSortedSet(new java.util.TreeSet<>(betas));
        tenant = tenant == null ? Tenants.DEFAULT : tenant;
    }

    /** A lane of the {@value Tenants#DEFAULT} tenant. */
    public LaneKey(String account, SortedSet<String> betas) {
        this(account, betas, Tenants.DEFAULT);
    }

    @Override
    public String toString() {
        return account + betas + (Tenants.DEFAULT.equals(tenant) ? "" : "@" + tenant);
    }
}
