package io.batchbridge.submitter.internal;

import io.batchbridge.common.model.SpendEntry;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The shared spend ledger folded into figures: the latest entry of every reservation key and the actual cost of
 * every batch a worker priced. A reservation counts for its day and tenant: zero when released, its batch's actual
 * cost once a worker reported it, its reserved worst case otherwise. Entries may arrive in any order across keys (a
 * batch's actual before the reservation that names it): the figures are computed from the latest state of both.
 * Not thread-safe: owned by the poll thread.
 */
public final class SpendTally {
    /** Micro-dollars of one tenant's day: still at the worst-case estimate, and priced (actual). */
    public record Figures(long worstCase, long actual) {
        static final Figures ZERO = new Figures(0, 0);

        public long counted() {
            return Math.addExact(worstCase, actual);
        }

        Figures plus(Figures o) {
            return new Figures(Math.addExact(worstCase, o.worstCase), Math.addExact(actual, o.actual));
        }
    }

    private final Map<String, SpendEntry> reservations = new HashMap<>();
    private final Map<String, Long> actuals = new HashMap<>();
    /** Batch ids whose actual arrived since the last prune (it may precede the reservation that names it). */
    private final Set<String> actualsSincePrune = new HashSet<>();

    /** Applies one ledger record ({@code entry} null: a tombstone). A key of neither kind is ignored. */
    void apply(String key, SpendEntry entry) {
        if (key.startsWith(SpendEntry.BATCH_PREFIX)) {
            String batchId = key.substring(SpendEntry.BATCH_PREFIX.length());
            if (entry == null) {
                actuals.remove(batchId);
            } else if (entry.state() == SpendEntry.State.ACTUAL) {
                actuals.put(batchId, entry.micros());
                actualsSincePrune.add(batchId);
            }
        } else if (key.startsWith(SpendEntry.RESERVATION_PREFIX)) {
            if (entry == null) {
                reservations.remove(key);
            } else if (entry.state() != SpendEntry.State.ACTUAL) {
                reservations.put(key, entry);
            }
        }
    }

    /** The figures of {@code day} by tenant (tenants without any reservation that day are absent). */
    Map<String, Figures> byTenant(LocalDate day) {
        Map<String, Figures> out = new TreeMap<>();
        for (SpendEntry r : reservations.values()) {
            if (day.equals(r.day())) {
                out.merge(r.tenant(), figures(r), Figures::plus);
            }
        }
        return out;
    }

    /** The figures of {@code day} over all tenants. */
    Figures total(LocalDate day) {
        return byTenant(day).values().stream().reduce(Figures.ZERO, Figures::plus);
    }

    /**
     * Forgets reservations of days before {@code day} (a day's limit only ever reads that day), and the actuals no
     * reservation left names — unless they arrived since the previous prune: an actual may be read before the
     * reservation that names it. So an actual is kept at most until the second prune after its reservation is gone
     * (with a prune per UTC day, two days); one whose reservation is read later than that was forgotten, and that
     * reservation counts its worst case (the safe side).
     */
    void pruneBefore(LocalDate day) {
        reservations.values().removeIf(r -> r.day().isBefore(day));
        Set<String> named = new HashSet<>();
        for (SpendEntry r : reservations.values()) {
            if (r.batchId() != null) {
                named.add(r.batchId());
            }
        }
        actuals.keySet().removeIf(id -> !named.contains(id) && !actualsSincePrune.contains(id));
        actualsSincePrune.clear();
    }

    int actuals() {
        return actuals.size();
    }

    int reservations() {
        return reservations.size();
    }

    private Figures figures(SpendEntry r) {
        return switch (r.state()) {
            case RELEASED -> Figures.ZERO;
            case CREATED -> {
                Long actual = actuals.get(r.batchId());
                yield actual == null ? new Figures(r.micros(), 0) : new Figures(0, actual);
            }
            default -> new Figures(r.micros(), 0);
        };
    }
}
