package io.batchbridge.submitter.internal;

import java.util.SortedSet;

/** Betas are per HTTP request, so per batch: requests are grouped by (API account, beta set). */
public record LaneKey(String account, SortedSet<String> betas) {
    public LaneKey {
        betas = java.util.Collections.unmodifiableSortedSet(new java.util.TreeSet<>(betas));
    }

    @Override
    public String toString() {
        return account + betas;
    }
}
