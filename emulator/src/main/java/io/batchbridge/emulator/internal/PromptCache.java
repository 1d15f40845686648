package io.batchbridge.emulator.internal;

import io.batchbridge.common.model.ModelCatalogue;
import io.batchbridge.common.model.ModelInfo;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The emulator's prompt-cache model. An entry is the hash of a prompt prefix (per model) with the simulated
 * interval in which it can be read: from when the request that wrote it finished until its TTL runs out (5
 * minutes, or 1 hour for {@code "ttl": "1h"}, counted again from every read). A batch's requests are played in
 * the order they start: a request reads the longest of its breakpoint prefixes that is in the cache at its
 * start (written by an earlier batch), or — for a prefix an earlier-started request of the same batch also
 * has — hits with the configured probability, as requests of one batch run concurrently and hits among them are
 * best-effort. It writes the rest of its prefix up to its last breakpoint. Prefixes shorter than the model's
 * {@link ModelInfo#minCacheTokens} are neither read nor written. Only hashes and two instants per entry are
 * kept, at most {@link #MAX_ENTRIES} of them.
 */
public final class PromptCache {
    static final long TTL_5M_MICROS = Duration.ofMinutes(5).toNanos() / 1000;
    static final long TTL_1H_MICROS = Duration.ofHours(1).toNanos() / 1000;
    /** Most entries kept; beyond it expired ones go first, then arbitrary ones (a lost entry is only a miss). */
    static final int MAX_ENTRIES = 200_000;

    private final ModelCatalogue catalogue;
    private final double hitRate;
    /** Prefix key to {readable from, expires at}, in absolute simulated microseconds. */
    private final Map<Long, long[]> entries = new HashMap<>();

    /**
     * @param hitRate probability that a request hits a prefix an earlier-started request of the same batch
     *     writes (the documented range for batches is 0.3 to 0.98)
     */
    public PromptCache(ModelCatalogue catalogue, double hitRate) {
        if (!(hitRate >= 0 && hitRate <= 1)) {
            throw new IllegalArgumentException("cache hit rate must be between 0 and 1 but was " + hitRate);
        }
        this.catalogue = catalogue;
        this.hitRate = hitRate;
    }

    /**
     * Splits the input of each succeeded request of one batch into uncached, written and read tokens, and
     * records the batch's writes. {@code plans[i]} is the plan of {@code facts.get(i)}; plans are replaced.
     *
     * @param createdMicros the batch's creation, in absolute simulated microseconds
     */
    public synchronized void apply(long createdMicros, PlannedRequest[] plans, List<RequestFacts> facts) {
        Integer[] order = new Integer[plans.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(
                order,
                Comparator.comparingLong((Integer i) -> plans[i].startMicros())
                        .thenComparingLong(i -> plans[i].hash()));
        Map<Long, Long> startedInBatch = new HashMap<>();
        List<long[]> writes = new ArrayList<>();
        List<long[]> refreshes = new ArrayList<>();
        for (int i : order) {
            PlannedRequest r = plans[i];
            RequestFacts f = facts.get(i);
            if (r.outcome() != Outcome.SUCCEEDED || f.cachePoints().isEmpty() || directed(f.directive())) {
                continue;
            }
            ModelInfo model = catalogue.find(f.model()).orElse(null);
            if (model == null) {
                continue;
            }
            long start = createdMicros + r.startMicros();
            long finish = createdMicros + r.finishMicros();
            plans[i] = play(r, f, model, start, finish, startedInBatch, writes, refreshes);
        }
        for (long[] w : writes) {
            long[] e = entries.get(w[0]);
            if (e == null || e[1] < w[1]) {
                entries.put(w[0], new long[] {w[1], w[2]});
            } else {
                e[0] = Math.min(e[0], w[1]);
                e[1] = Math.max(e[1], w[2]);
            }
        }
        for (long[] refresh : refreshes) {
            long[] e = entries.get(refresh[0]);
            if (e != null) {
                e[1] = Math.max(e[1], refresh[1]);
            }
        }
        evict(createdMicros);
    }

    private PlannedRequest play(
            PlannedRequest r,
            RequestFacts f,
            ModelInfo model,
            long start,
            long finish,
            Map<Long, Long> startedInBatch,
            List<long[]> writes,
            List<long[]> refreshes) {
        long total = r.inputTokens();
        long modelKey = Hashing.hash(0, model.id());
        List<CachePoint> points = new ArrayList<>();
        for (CachePoint p : f.cachePoints()) {
            long tokens = Math.min(p.tokens(), total);
            if (tokens >= model.minCacheTokens()) {
                points.add(new CachePoint(Hashing.mix(p.key() ^ modelKey), tokens, p.oneHour()));
            }
        }
        if (points.isEmpty()) {
            return r;
        }
        double draw = Hashing.unit(Hashing.mix(r.hash() + 7));
        long read = 0;
        for (int k = points.size() - 1; k >= 0 && read == 0; k--) {
            CachePoint p = points.get(k);
            long[] e = entries.get(p.key());
            boolean fromEarlierBatch = e != null && e[0] <= start && start < e[1];
            boolean fromThisBatch = startedInBatch.containsKey(p.key()) && draw < hitRate;
            if (fromEarlierBatch || fromThisBatch) {
                read = p.tokens();
                refreshes.add(new long[] {p.key(), start + ttl(p)});
            }
        }
        long last = 0;
        long last1h = 0;
        for (CachePoint p : points) {
            last = Math.max(last, p.tokens());
            last1h = p.oneHour() ? Math.max(last1h, p.tokens()) : last1h;
            if (p.tokens() > read) {
                writes.add(new long[] {p.key(), finish, finish + ttl(p)});
                startedInBatch.putIfAbsent(p.key(), start);
            }
        }
        long write = Math.max(0, last - read);
        long write1h = Math.min(write, Math.max(0, last1h - read));
        return r.withCache(total - read - write, read, write, write1h);
    }

    /** A directive that states cache figures keeps them (tests and demos steer usage that way). */
    private static boolean directed(Directive d) {
        return d != null && (d.cacheReadTokens() > 0 || d.cacheWriteTokens() > 0);
    }

    private static long ttl(CachePoint p) {
        return p.oneHour() ? TTL_1H_MICROS : TTL_5M_MICROS;
    }

    /** Entries that expired before {@code nowMicros} can never be read again (every later request starts later). */
    private void evict(long nowMicros) {
        if (entries.size() <= MAX_ENTRIES) {
            return;
        }
        entries.values().removeIf(e -> e[1] <= nowMicros);
        Iterator<Long> it = entries.keySet().iterator();
        while (entries.size() > MAX_ENTRIES * 3 / 4 && it.hasNext()) {
            it.next();
            it.remove();
        }
    }

    /** Entries held (for tests). */
    synchronized int size() {
        return entries.size();
    }
}
