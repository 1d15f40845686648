package io.batchbridge.submitter.internal;

import io.batchbridge.common.config.Tenants;
import io.batchbridge.common.model.Cost;
import io.batchbridge.common.model.ModelCatalogue;
import io.batchbridge.common.model.ModelInfo;
import io.batchbridge.common.model.PriceRates;
import io.batchbridge.common.model.SpendEntry;
import io.batchbridge.common.records.Coordinates;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daily spend limits of the whole deployment ({@link SpendLimits}): one for all tenants, one per tenant. Before
 * a create the loop asks to {@link #reserve} the batch's worst-case cost; the guard first reads the shared
 * {@link SpendLedger} to its end (every instance's reservations and the workers' actual costs), then refuses when
 * the day's counted spend plus this batch would cross a limit, else writes the reservation durably and lets the
 * create go. A refused batch waits (the loop tries again, at most every {@link #RECHECK_WHILE_HELD}); a create that
 * does not happen releases its reservation; the worker's actual cost of a created batch replaces its worst case.
 * The ledger unreachable: nothing is created (infrastructure failure, retried; the submitter is not ready).
 *
 * <p>Overshoot: a reservation acknowledged before an instance's read is always counted by it; one being written
 * by another instance at that moment may not be. Each instance has at most one reservation in that window (the
 * poll thread reserves one batch at a time), so the counted spend of a day never exceeds a limit by more than
 * (instances − 1) × the largest single batch's worst case. That bounds the spend <em>as counted</em>: reservations
 * at their estimate until a worker reports the actual.
 *
 * <p>The estimate is meant to be pessimistic but is a heuristic, not a guaranteed upper bound: input tokens ≈
 * {@code params} bytes / 4 at the model's batch input rate — twice that rate for a request with a cache breakpoint or {@code cache_control} anywhere in its params
 * (a 1-hour cache write costs 2x input; no read discount assumed) —, output at the request's {@code max_tokens}, in
 * integer micro-dollars rounded as the worker prices results. Bytes / 4 undercounts text denser than 4 bytes per
 * token (e.g. some scripts, or images counted by the API by pixels); such a batch's actual exceeds its estimate and
 * the day's real spend can then pass the limit by that difference. A model the catalogue does not know
 * (pass_through policy) counts as 0. Owned by the poll thread; the engaged flags and figures are read by metrics and
 * readiness from other threads.
 */
public final class SpendGuard implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SpendGuard.class);
    /** Rough bytes of JSON per input token. */
    static final int BYTES_PER_TOKEN = 4;
    /** The most a cache write costs, in multiples of the input rate (1-hour TTL: 2x; 5-minute: 1.25x). */
    static final int CACHE_WRITE_FACTOR = 2;
    /** How often a held batch re-reads the ledger to see whether it fits now (reconciled or released spend). */
    static final Duration RECHECK_WHILE_HELD = Duration.ofSeconds(1);

    static final String TOTAL_KEY = "bridge.submitter.spend.limit.usd.per.day";
    static final String TENANT_KEY = "bridge.submitter.spend.limit.usd.per.day.per.tenant";

    private final SpendLimits limits;
    private final ModelCatalogue catalogue;
    private final Tenants tenants;
    private final String retryTopic;
    private final SpendLedger ledger;
    private final String instanceId;
    private final Clock clock;
    private final SpendTally tally = new SpendTally();
    /** By request coordinates (unique per request; an item may be rebuilt, e.g. when a sharer of it is refused). */
    private final Map<Coordinates, Reservation> byItem = new HashMap<>();

    private final Map<String, LocalDate> engagedTenants = new ConcurrentHashMap<>();
    private LocalDate day;
    private Instant readAt = Instant.MIN;
    private volatile LocalDate engagedOn;
    private volatile boolean unavailable;
    private volatile Map<String, SpendTally.Figures> figures = Map.of();

    /** One reservation and the items of it whose create outcome is not known yet. */
    private static final class Reservation {
        final String key;
        final SpendEntry entry;
        final Set<Coordinates> open = new HashSet<>();
        String batchId;

        Reservation(String key, SpendEntry entry) {
            this.key = key;
            this.entry = entry;
        }
    }

    /**
     * @param retryTopic its partitions hold every tenant's retries, so no tenant's limit pauses it
     * @param ledger the shared ledger; not used (may be null) when no limit is set
     */
    public SpendGuard(
            SpendLimits limits,
            ModelCatalogue catalogue,
            Tenants tenants,
            String retryTopic,
            SpendLedger ledger,
            String instanceId,
            Clock clock) {
        if (limits.any() && ledger == null) {
            throw new IllegalArgumentException("a spend limit needs the spend ledger");
        }
        this.limits = limits;
        this.catalogue = catalogue;
        this.tenants = tenants;
        this.retryTopic = retryTopic;
        this.ledger = ledger;
        this.instanceId = instanceId;
        this.clock = clock;
    }

    /** A guard that never holds anything. */
    public static SpendGuard off(ModelCatalogue catalogue, Clock clock) {
        return new SpendGuard(SpendLimits.none(), catalogue, Tenants.none(), "", null, "none", clock);
    }

    public boolean enabled() {
        return limits.any();
    }

    /** The worst-case cost in micro-dollars of creating this batch. */
    public long estimateMicros(PendingBatch batch) {
        long micros = 0;
        for (LaneItem i : batch.items()) {
            var prices = catalogue.find(i.request().model()).map(ModelInfo::prices);
            if (prices.isPresent()) {
                PriceRates rates = prices.get().rates();
                long inputTokens = i.request().envelope().params().length / BYTES_PER_TOKEN;
                // A cache write costs up to 2x the input rate (1-hour TTL; the primer forces it): any request with
                // a cache breakpoint may write every input token.
                long inputMicros = PriceRates.micros(inputTokens, rates.input());
                if (mayWriteCache(i)) {
                    inputMicros = Math.multiplyExact(inputMicros, CACHE_WRITE_FACTOR);
                }
                micros = Math.addExact(
                        micros,
                        Math.addExact(inputMicros, PriceRates.micros(i.request().maxTokens(), rates.output())));
            }
        }
        return micros;
    }

    /**
     * Why the batch's worst case alone exceeds the deployment's or its tenant's daily limit (it could never be
     * created under that limit, on any day), naming the limit's key and the figures; null when it does not.
     */
    public String exceedsAlone(PendingBatch batch) {
        if (!enabled()) {
            return null;
        }
        long estimate = estimateMicros(batch);
        if (limits.totalMicros() > 0 && estimate > limits.totalMicros()) {
            return overAlone(estimate, TOTAL_KEY, limits.totalMicros());
        }
        long tenantLimit = limits.ofTenant(batch.lane().tenant());
        if (tenantLimit > 0 && estimate > tenantLimit) {
            return overAlone(estimate, TENANT_KEY + " (tenant " + batch.lane().tenant() + ")", tenantLimit);
        }
        return null;
    }

    private static String overAlone(long estimate, String key, long limit) {
        return "worst-case cost of " + usd(estimate) + " USD alone exceeds the daily limit " + key + " of " + usd(limit)
                + " USD: it can never be created under that limit";
    }

    /**
     * Reserves the batch's worst case for today and returns true, or returns false when it would take the day's
     * spend (all instances) over the deployment's or its tenant's limit, or when the ledger is unreachable. Always
     * true when no limit is set.
     */
    public boolean reserve(PendingBatch batch) {
        if (!enabled()) {
            return true;
        }
        roll();
        String tenant = batch.lane().tenant();
        Instant now = clock.instant();
        if (held(tenant) && now.isBefore(readAt.plus(RECHECK_WHILE_HELD))) {
            return false; // refused a moment ago; the ledger is read again after a while
        }
        long estimate = estimateMicros(batch);
        try {
            ledger.catchUp(tally);
            readAt = now;
            available();
            Map<String, SpendTally.Figures> today = snapshot();
            SpendTally.Figures all = today.values().stream().reduce(SpendTally.Figures.ZERO, SpendTally.Figures::plus);
            SpendTally.Figures mine = today.getOrDefault(tenant, SpendTally.Figures.ZERO);
            if (limits.totalMicros() > 0 && all.counted() + estimate > limits.totalMicros()) {
                engageTotal(batch, estimate, all.counted());
                return false;
            }
            long tenantLimit = limits.ofTenant(tenant);
            if (tenantLimit > 0 && mine.counted() + estimate > tenantLimit) {
                engageTenant(tenant, batch, estimate, mine.counted(), tenantLimit);
                return false;
            }
            String key = SpendEntry.RESERVATION_PREFIX + instanceId + ":" + UUID.randomUUID();
            SpendEntry entry = SpendEntry.reserved(day, tenant, batch.lane().account(), estimate);
            ledger.write(key, entry);
            Reservation r = new Reservation(key, entry);
            batch.items().forEach(i -> {
                r.open.add(i.source());
                byItem.put(i.source(), r);
            });
            tally.apply(key, entry);
            snapshot();
            engagedOn = null;
            engagedTenants.remove(tenant);
            return true;
        } catch (SpendLedger.Unavailable e) {
            readAt = now; // tried again after a while, not at every iteration
            if (!unavailable) {
                log.warn("spend guard: nothing is created until the spend ledger answers: {}", e.getMessage());
            }
            unavailable = true;
            return false;
        }
    }

    /** The API accepted (part of) a reserved batch: its reservation now names the batch, whose actual will count. */
    public void created(PendingBatch part, String batchId) {
        Reservation r = reservationOf(part);
        if (r == null) {
            return;
        }
        if (r.batchId == null) {
            r.batchId = batchId;
            update(r.key, r.entry.created(batchId));
        } else if (!r.batchId.equals(batchId)) { // one create outcome may adopt several batches
            update(
                    r.key + "#" + batchId,
                    SpendEntry.reserved(r.entry.day(), r.entry.tenant(), r.entry.account(), estimateMicros(part))
                            .created(batchId));
        }
        settle(r, part);
    }

    /** (Part of) a reserved batch was not created; once no part of it was, its reservation is released. */
    public void release(PendingBatch part) {
        Reservation r = reservationOf(part);
        if (r == null) {
            return;
        }
        settle(r, part);
        if (r.open.isEmpty() && r.batchId == null) {
            update(r.key, r.entry.released());
        }
    }

    /** True while a batch waits because the deployment's limit would be crossed; false from the next UTC day. */
    public boolean engaged() {
        LocalDate on = engagedOn;
        return on != null && on.equals(today());
    }

    /** True while a batch of this tenant waits because the tenant's limit would be crossed. */
    public boolean tenantEngaged(String tenant) {
        LocalDate on = engagedTenants.get(tenant);
        return on != null && on.equals(today());
    }

    /** True while the ledger could not be read or written at the last attempt (nothing is created). */
    public boolean unavailable() {
        return unavailable;
    }

    /** True when no batch of any tenant may be created now: the deployment's limit, or the ledger is unreachable. */
    public boolean holdsAll() {
        return engaged() || unavailable;
    }

    /** The tenant whose limit may pause a topic's partitions, or null for the retry topic (every tenant's). */
    public String tenantOf(String topic) {
        return topic.equals(retryTopic) ? null : tenants.forTopic(topic);
    }

    /** The retry topic: every tenant's retries. */
    public String retryTopic() {
        return retryTopic;
    }

    /** Every tenant name a gauge can carry: the configured ones and {@value Tenants#DEFAULT}. */
    public Set<String> tenantNames() {
        return tenants.names();
    }

    /** Today's figures of a tenant as last read (for the gauges): worst case and actual micro-dollars. */
    public SpendTally.Figures figures(String tenant) {
        return figures.getOrDefault(tenant, SpendTally.Figures.ZERO);
    }

    /** USD of today's counted spend of all tenants as last read. */
    public double countedTodayUsd() {
        return Cost.usd(
                figures.values().stream().mapToLong(SpendTally.Figures::counted).sum());
    }

    @Override
    public void close() {
        if (ledger != null) {
            ledger.close();
        }
    }

    private static final byte[] CACHE_CONTROL = "\"cache_control\"".getBytes(StandardCharsets.US_ASCII);

    /**
     * A request with a cache breakpoint: its prefix was read, or its params name {@code cache_control} anywhere (a
     * shape the fingerprint does not take, automatic caching).
     */
    static boolean mayWriteCache(LaneItem i) {
        if (i.request().prefix().present()) {
            return true;
        }
        byte[] p = i.request().envelope().params();
        outer:
        for (int at = 0; at <= p.length - CACHE_CONTROL.length; at++) {
            for (int k = 0; k < CACHE_CONTROL.length; k++) {
                if (p[at + k] != CACHE_CONTROL[k]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    private boolean held(String tenant) {
        return unavailable || engaged() || tenantEngaged(tenant);
    }

    /**
     * The reservation of the first request of the part the guard knows: a part may start with a request it does not
     * (a rider refused by the create screen, rebuilt alone; a request another reservation already settled).
     */
    private Reservation reservationOf(PendingBatch part) {
        if (!enabled()) {
            return null;
        }
        for (LaneItem i : part.items()) {
            Reservation r = byItem.get(i.source());
            if (r != null) {
                return r;
            }
        }
        return null;
    }

    private void settle(Reservation r, PendingBatch part) {
        part.items().forEach(i -> {
            r.open.remove(i.source());
            byItem.remove(i.source());
        });
    }

    private void update(String key, SpendEntry entry) {
        tally.apply(key, entry);
        ledger.writeLater(key, entry);
        snapshot();
    }

    private void available() {
        if (unavailable) {
            log.info("spend guard: the spend ledger answers again");
        }
        unavailable = false;
    }

    private void engageTotal(PendingBatch batch, long estimate, long counted) {
        if (!engaged()) {
            log.warn(
                    "spend guard engaged: a batch of {} requests (worst case {} USD) would take today's {} USD over"
                            + " the deployment's limit of {} USD; intake paused until spend is reconciled or the"
                            + " next UTC day",
                    batch.items().size(),
                    usd(estimate),
                    usd(counted),
                    usd(limits.totalMicros()));
        }
        engagedOn = day;
    }

    private void engageTenant(String tenant, PendingBatch batch, long estimate, long counted, long limit) {
        if (!tenantEngaged(tenant)) {
            log.warn(
                    "spend guard engaged for tenant {}: a batch of {} requests (worst case {} USD) would take its {}"
                            + " USD today over its limit of {} USD; its topics pause, other tenants go on",
                    tenant,
                    batch.items().size(),
                    usd(estimate),
                    usd(counted),
                    usd(limit));
        }
        engagedTenants.put(tenant, day);
    }

    private static String usd(long micros) {
        return String.format("%.6f", Cost.usd(micros));
    }

    private Map<String, SpendTally.Figures> snapshot() {
        Map<String, SpendTally.Figures> today = tally.byTenant(day);
        figures = Map.copyOf(today);
        return today;
    }

    private void roll() {
        LocalDate today = today();
        if (!today.equals(day)) {
            if (day != null && (engagedOn != null || !engagedTenants.isEmpty())) {
                log.info("spend guard: a new UTC day ({}) opens a new window; intake resumes", today);
            }
            day = today;
            engagedOn = null;
            engagedTenants.clear();
            tally.pruneBefore(today);
            readAt = Instant.MIN;
            snapshot();
        }
    }

    private LocalDate today() {
        return LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
    }
}
