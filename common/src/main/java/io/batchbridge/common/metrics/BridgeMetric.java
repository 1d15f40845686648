package io.batchbridge.common.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

/**
 * Every meter batch-bridge itself emits, declared once: dotted name, type, base unit, description and the
 * bounded tag keys (never a batch id or {@code custom_id}). {@code docs/metrics.md} is rendered from this
 * enum ({@link MetricsCatalogue#markdown()}) and a test fails when the page is stale; the Prometheus rules
 * and Grafana dashboard in {@code deploy/} are checked against {@link #prometheusName()}.
 *
 * <p>Roles register meters through the helpers ({@link #counter}, {@link #timer}, {@link #summary},
 * {@link #gauge}) so name, description, unit and tag keys cannot drift from the catalogue; the helpers reject
 * a wrong number of tag values. Micrometer returns the already registered meter for an identical id, so
 * calling a helper per event is correct; hot paths hold the meter or use {@link BridgeMeters}, which caches.
 *
 * <p>Meters bound from libraries (JVM, Kafka clients, Resilience4j) are not listed here; their families are
 * in {@link LibraryMetricFamily}.
 */
public enum BridgeMetric {
    // ---- submitter ----
    SUBMITTER_REQUESTS_CONSUMED(
            Role.SUBMITTER,
            "bridge.submitter.requests.consumed",
            Meter.Type.COUNTER,
            null,
            "Request and retry records consumed, by source topic",
            "topic"),
    SUBMITTER_DEAD_LETTERS(
            Role.SUBMITTER,
            "bridge.submitter.dead.letters",
            Meter.Type.COUNTER,
            null,
            "Requests dead-lettered at intake or create time, by reason code",
            "reason"),
    SUBMITTER_RETIRED_BETAS_STRIPPED(
            Role.SUBMITTER,
            "bridge.submitter.retired.betas.stripped",
            Meter.Type.COUNTER,
            null,
            "Requests whose retired beta (context-1m-2025-08-07) was removed"),
    SUBMITTER_LOOKUP_HOLDS(
            Role.SUBMITTER,
            "bridge.submitter.reply.to.lookup.holds",
            Meter.Type.COUNTER,
            null,
            "Records held at intake because the cluster could not tell whether their reply_to topic exists"
                    + " (the partition waits 2 s and the record is decided again; never a dead letter)"),
    SUBMITTER_BATCHES_CREATED(
            Role.SUBMITTER,
            "bridge.submitter.batches",
            Meter.Type.COUNTER,
            null,
            "API batches created, by lane: API account and whether the extended-output beta is on. (Named"
                    + " without .created: Prometheus reserves the _created suffix and would drop it.)",
            "account",
            "extended_output"),
    SUBMITTER_BATCH_REQUESTS(
            Role.SUBMITTER,
            "bridge.submitter.batch.requests",
            Meter.Type.DISTRIBUTION_SUMMARY,
            "requests",
            "Requests per created batch"),
    SUBMITTER_REQUESTS_SHARED(
            Role.SUBMITTER,
            "bridge.submitter.requests.shared",
            Meter.Type.COUNTER,
            null,
            "Requests de-duplicated into an identical one of the same batch and tenant (bridge.submitter.dedup.enabled):"
                    + " ticketed, not sent to the API"),
    SUBMITTER_BATCH_BYTES(
            Role.SUBMITTER,
            "bridge.submitter.batch.bytes",
            Meter.Type.DISTRIBUTION_SUMMARY,
            "bytes",
            "Create body bytes per created batch"),
    SUBMITTER_CREATE_LATENCY(
            Role.SUBMITTER,
            "bridge.submitter.create.latency",
            Meter.Type.TIMER,
            null,
            "Time of a successful create call"),
    SUBMITTER_INTENT_WRITE(
            Role.SUBMITTER,
            "bridge.submitter.intent.write",
            Meter.Type.TIMER,
            null,
            "Time to write a create intent and get its acknowledgement (acks=all), paid before every create call"),
    SUBMITTER_TIME_TO_CREATE(
            Role.SUBMITTER,
            "bridge.submitter.time.to.create",
            Meter.Type.TIMER,
            null,
            "Time from a batch's first request arriving to the batch being created"),
    SUBMITTER_CREATE_FAILURES(
            Role.SUBMITTER,
            "bridge.submitter.create.failures",
            Meter.Type.COUNTER,
            null,
            "Create calls that failed, by kind: transient, outcome_unknown, rejected, bisected (a whole-batch 400"
                    + " split in two), fatal",
            "kind"),
    SUBMITTER_BISECT_CALLS(
            Role.SUBMITTER,
            "bridge.submitter.bisect.calls",
            Meter.Type.COUNTER,
            null,
            "Create calls spent isolating the request(s) the API rejected in a batch (bisection); at most"
                    + " bridge.submitter.bisect.max.calls per batch, then the remaining suspects are dead-lettered"),
    SUBMITTER_ORPHAN_BATCHES(
            Role.SUBMITTER,
            "bridge.submitter.orphan.batches",
            Meter.Type.COUNTER,
            null,
            "API batches created whose ticket could not be written with their requests' offsets, by outcome:"
                    + " reused (ticketed later without a second create), cancelled (cancelled at the API),"
                    + " adopted (found by a later owner)",
            "outcome"),
    SUBMITTER_PREFIX_GROUPS(
            Role.SUBMITTER,
            "bridge.submitter.prefix.groups",
            Meter.Type.COUNTER,
            null,
            "Prompt-cache prefix groups (requests of one batch sharing the prefix up to their last cache_control"
                    + " breakpoint, and the model) in the batches cut from lanes; a prefix split over two batches"
                    + " counts in both"),
    SUBMITTER_PREFIX_REQUESTS(
            Role.SUBMITTER,
            "bridge.submitter.prefix.requests",
            Meter.Type.COUNTER,
            null,
            "Requests with a cache breakpoint in the batches cut from lanes, by whether their batch holds another"
                    + " request with the same prefix (shared=true: it can read or write a cache entry with it)",
            "shared"),
    SUBMITTER_PRIMER_SENT(
            Role.SUBMITTER,
            "bridge.submitter.primer.sent",
            Meter.Type.COUNTER,
            null,
            "Primer batches queued: the first request of a new cache prefix sent alone with 1-hour breakpoints"
                    + " while the prefix's other requests are held (bridge.submitter.primer.topics)"),
    SUBMITTER_PRIMER_HELD(
            Role.SUBMITTER,
            "bridge.submitter.primer.held",
            Meter.Type.GAUGE,
            null,
            "Requests held behind primer batches (out of the lanes, offsets not committed)"),
    SUBMITTER_PRIMER_RELEASED(
            Role.SUBMITTER,
            "bridge.submitter.primer.released",
            Meter.Type.COUNTER,
            null,
            "Requests released from behind a primer into their lane, by reason: ended (the primer batch ended),"
                    + " max_wait (bridge.submitter.primer.max.wait.ms), buffer (the buffered-bytes bound),"
                    + " failed (the primer was not created), watermark (commit metadata relief), drain (shutdown)",
            "reason"),
    SUBMITTER_BUFFERED_BYTES(
            Role.SUBMITTER,
            "bridge.submitter.buffered.bytes",
            Meter.Type.GAUGE,
            "bytes",
            "Request bytes held in lanes not yet created"),
    SUBMITTER_LANES_OPEN(
            Role.SUBMITTER,
            "bridge.submitter.lanes.open",
            Meter.Type.GAUGE,
            null,
            "Lanes (account, beta set) currently assembling a batch"),
    SUBMITTER_PAUSED_PARTITIONS(
            Role.SUBMITTER,
            "bridge.submitter.paused.partitions",
            Meter.Type.GAUGE,
            null,
            "Input partitions paused (buffer full, retry head not due, or API circuit open)"),
    SUBMITTER_SPEND_GUARD_ENGAGED(
            Role.SUBMITTER,
            "bridge.submitter.spend.guard.engaged",
            Meter.Type.GAUGE,
            null,
            "1 while the spend guard holds intake because the configured spend limit is reached, else 0"),
    SUBMITTER_SPEND_TENANT_ENGAGED(
            Role.SUBMITTER,
            "bridge.submitter.spend.tenant.engaged",
            Meter.Type.GAUGE,
            null,
            "1 while a tenant's next batch waits because it would take the tenant over its daily limit"
                    + " (bridge.submitter.spend.limit.usd.per.day.per.tenant), else 0; tenant: configured"
                    + " tenants and default",
            "tenant"),
    SUBMITTER_SPEND_RESERVED_USD(
            Role.SUBMITTER,
            "bridge.submitter.spend.reserved.usd",
            Meter.Type.GAUGE,
            "usd",
            "Today's (UTC) spend of all submitter instances still counted at its worst-case estimate (reserved or"
                    + " created, not yet priced by a worker), by tenant, as this instance reads the shared spend ledger",
            "tenant"),
    SUBMITTER_SPEND_ACTUAL_USD(
            Role.SUBMITTER,
            "bridge.submitter.spend.actual.usd",
            Meter.Type.GAUGE,
            "usd",
            "Today's (UTC) spend of all submitter instances' batches that workers have priced (their exact cost), by"
                    + " tenant, as this instance reads the shared spend ledger",
            "tenant"),
    SUBMITTER_SPEND_RETRIES_DEFERRED(
            Role.SUBMITTER,
            "bridge.submitter.spend.retries.deferred",
            Meter.Type.COUNTER,
            null,
            "Retries of a tenant over its daily limit written back to the retry topic, due 5 minutes later (or at"
                    + " 00:00 UTC if sooner), so that they do not hold the shared retry partitions; tenant: configured"
                    + " tenants and default",
            "tenant"),
    SUBMITTER_SPEND_BATCHES_SPLIT(
            Role.SUBMITTER,
            "bridge.submitter.spend.batches.split",
            Meter.Type.COUNTER,
            null,
            "Batches split in halves because their worst-case estimate alone exceeds the deployment's or their"
                    + " tenant's daily limit (a single such request is dead-lettered as spend_limit_exceeded)"),
    SUBMITTER_STATE(
            Role.SUBMITTER,
            "bridge.submitter.state",
            Meter.Type.GAUGE,
            null,
            "Lifecycle state code: 0 starting, 1 running, 2 draining, 3 stopping, 4 stopped, 5 failed"),

    // ---- worker ----
    WORKER_RESULTS(
            Role.WORKER,
            "bridge.worker.results",
            Meter.Type.COUNTER,
            null,
            "Result lines fanned out, by API result type (succeeded, errored, canceled, expired, unknown)",
            "result"),
    WORKER_RESULTS_TRUNCATED(
            Role.WORKER,
            "bridge.worker.results.truncated",
            Meter.Type.COUNTER,
            null,
            "Succeeded results cut at max_tokens (delivered with truncated=true)"),
    WORKER_RESULTS_SHARED(
            Role.WORKER,
            "bridge.worker.results.shared",
            Meter.Type.COUNTER,
            null,
            "Results delivered to de-duplicated requests (bridge.submitter.dedup.enabled): the answer of another"
                    + " request of the same batch, at no extra cost"),
    WORKER_DEAD_LETTERS(
            Role.WORKER,
            "bridge.worker.dead.letters",
            Meter.Type.COUNTER,
            null,
            "Requests dead-lettered by the worker, by reason code",
            "reason"),
    WORKER_RETRIES(
            Role.WORKER,
            "bridge.worker.retries",
            Meter.Type.COUNTER,
            null,
            "Retry records written, by reason (expired or the errored type, e.g. overloaded_error)",
            "reason"),
    WORKER_TICKETS_SKIPPED(
            Role.WORKER,
            "bridge.worker.tickets.skipped",
            Meter.Type.COUNTER,
            null,
            "Records on the batches topic skipped with a log line and their offsets committed, by reason: invalid"
                    + " (not a well-formed ticket), inconsistent (a part that contradicts its batch's other parts, or"
                    + " parts that cannot make one batch), incomplete (parts whose other parts can never arrive),"
                    + " unreadable (a tracked batch's tickets could not be read back for its fan-out)",
            "reason"),
    WORKER_POLLS(
            Role.WORKER,
            "bridge.worker.polls",
            Meter.Type.COUNTER,
            null,
            "Batch retrieves, by status: in_progress, ended, error, not_found",
            "status"),
    WORKER_TRANSACTIONS(
            Role.WORKER,
            "bridge.worker.transactions",
            Meter.Type.COUNTER,
            null,
            "Fan-out transactions, by outcome (committed; aborted; commit_timeout: a commitTransaction attempt that"
                    + " timed out and was retried; outcome_unknown: every attempt timed out, the producer was fenced"
                    + " and renewed and the checkpoint re-read)",
            "outcome"),
    WORKER_FANOUT_THREADS_REPLACED(
            Role.WORKER,
            "bridge.worker.fanout.threads.replaced",
            Meter.Type.COUNTER,
            null,
            "Fan-out threads that died (an Error, or their producer could not be built) and were replaced"),
    WORKER_CHECKPOINTS(
            Role.WORKER,
            "bridge.worker.checkpoints",
            Meter.Type.COUNTER,
            null,
            "Fan-out checkpoints (batch id, lines done) committed with their transaction"),
    WORKER_FANOUT_BYTES(
            Role.WORKER,
            "bridge.worker.fanout.bytes",
            Meter.Type.COUNTER,
            "bytes",
            "Bytes of result, retry and dead-letter records produced"),
    WORKER_FANOUT_LATENCY(
            Role.WORKER,
            "bridge.worker.fanout.latency",
            Meter.Type.TIMER,
            null,
            "From a batch seen ended to its last fan-out transaction committed"),
    WORKER_BATCH_DURATION(
            Role.WORKER,
            "bridge.worker.batch.duration",
            Meter.Type.TIMER,
            null,
            "From a batch's created_at to its ended_at, as the API reports them"),
    WORKER_LOOP(
            Role.WORKER,
            "bridge.worker.loop",
            Meter.Type.TIMER,
            null,
            "Sections of the worker's poll loop (poll, track, revoke, assign)",
            "section"),
    WORKER_BATCHES_OPEN(
            Role.WORKER,
            "bridge.worker.batches.open",
            Meter.Type.GAUGE,
            null,
            "Batches tracked (ticket read, not yet fanned out)"),
    WORKER_BATCHES_OLDEST_OPEN_AGE(
            Role.WORKER,
            "bridge.worker.batches.oldest.open.age.seconds",
            Meter.Type.GAUGE,
            "seconds",
            "Age of the oldest tracked batch since its creation; the API expires a batch at 24 h"),
    WORKER_BATCHES_NEAR_EXPIRY(
            Role.WORKER,
            "bridge.worker.batches.near.expiry",
            Meter.Type.GAUGE,
            null,
            "Open batches within bridge.worker.expiry.warning.ms of expires_at"),
    WORKER_BATCHES_ENDED_NOT_FANNED_OUT(
            Role.WORKER,
            "bridge.worker.batches.ended.not.fanned.out",
            Meter.Type.GAUGE,
            null,
            "Ended batches waiting for or in fan-out"),
    WORKER_ENDED_OLDEST_AGE(
            Role.WORKER,
            "bridge.worker.ended.oldest.age.seconds",
            Meter.Type.GAUGE,
            "seconds",
            "Time since the oldest ended-but-not-fanned-out batch ended (results vanish 29 days after creation)"),
    WORKER_COST_USD(
            Role.WORKER,
            "bridge.worker.cost.usd",
            Meter.Type.COUNTER,
            "usd",
            "Cost of succeeded results at batch prices, by model. Superseded by bridge.cost.usd"
                    + " (pricing=batch); kept until dashboards move",
            "model"),
    WORKER_STATE(
            Role.WORKER,
            "bridge.worker.state",
            Meter.Type.GAUGE,
            null,
            "Lifecycle state code: 0 starting, 1 running, 2 draining, 3 stopping, 4 stopped, 5 failed"),

    // ---- API client (both roles) ----
    API_CALLS(
            Role.API,
            "bridge.api.calls",
            Meter.Type.TIMER,
            null,
            "One HTTP exchange with the Message Batches API, until its response headers; op is create,"
                    + " retrieve, list, cancel, delete or results, status the HTTP status or the transport failure",
            "op",
            "status",
            "account"),
    API_RESULTS_BYTES(
            Role.API,
            "bridge.api.results.bytes",
            Meter.Type.COUNTER,
            "bytes",
            "Bytes of results files received",
            "account"),
    API_RESULTS_LINES(
            Role.API, "bridge.api.results.lines", Meter.Type.COUNTER, null, "Results lines parsed", "account"),

    // ---- tokens and cost (whichever role prices a result) ----
    TOKENS(
            Role.SHARED,
            "bridge.tokens",
            Meter.Type.COUNTER,
            "tokens",
            "Billable tokens of succeeded results, by model and kind (input, output, cache_write, cache_read)",
            "model",
            "kind"),
    COST_USD(
            Role.SHARED,
            "bridge.cost.usd",
            Meter.Type.COUNTER,
            "usd",
            "Cost of succeeded results in USD, summed from each result's exact cost in integer micro-dollars"
                    + " (rounded once per kind per result, half up); pricing=batch is what was spent,"
                    + " pricing=standard what the synchronous API would have cost, pricing=no_cache what batch"
                    + " prices would have cost without prompt caching (cached tokens as input); kind: input,"
                    + " output, cache_write_5m, cache_write_1h, cache_read; tenant: the request topic's configured"
                    + " tenant (bridge.topic.tenants) or default",
            "model",
            "account",
            "pricing",
            "tenant",
            "kind"),
    COST_SAVINGS_USD(
            Role.SHARED,
            "bridge.cost.savings.usd",
            Meter.Type.COUNTER,
            "usd",
            "What succeeded results saved, from their exact micro-dollar costs: vs=standard is standard minus batch"
                    + " prices; vs=no_cache what prompt caching saved on the results where it saved (their cost"
                    + " without caching minus their cost); the net saving of caching is this minus"
                    + " bridge.cost.cache.extra.usd",
            "model",
            "account",
            "tenant",
            "vs"),
    COST_CACHE_EXTRA_USD(
            Role.SHARED,
            "bridge.cost.cache.extra.usd",
            Meter.Type.COUNTER,
            "usd",
            "What prompt caching cost beyond no caching on the results where it did not pay within the result"
                    + " (cache writes at 1.25x or 2x input that the same result did not read back; later reads"
                    + " show as savings)",
            "model",
            "account",
            "tenant");

    /** Which process emits a metric; {@link #SHARED} and {@link #API} may come from either role. */
    public enum Role {
        SUBMITTER("Submitter"),
        WORKER("Worker"),
        API("Message Batches API client (both roles)"),
        SHARED("Tokens and cost (both roles)");

        private final String title;

        Role(String title) {
            this.title = title;
        }

        public String title() {
            return title;
        }
    }

    private static final List<String> SERIES_SUFFIXES = List.of("_count", "_sum", "_max", "_bucket");
    static final List<String> RESERVED_SUFFIXES = List.of("_total", "_created", "_bucket", "_info");

    private final Role role;
    private final String metricName;
    private final Meter.Type type;
    private final String baseUnit;
    private final String description;
    private final List<String> tagKeys;

    BridgeMetric(
            Role role, String metricName, Meter.Type type, String baseUnit, String description, String... tagKeys) {
        if (type != Meter.Type.COUNTER
                && type != Meter.Type.GAUGE
                && type != Meter.Type.TIMER
                && type != Meter.Type.DISTRIBUTION_SUMMARY) {
            throw new IllegalArgumentException(metricName + ": unsupported meter type " + type);
        }
        this.role = role;
        this.metricName = metricName;
        this.type = type;
        this.baseUnit = baseUnit;
        this.description = description;
        this.tagKeys = List.of(tagKeys);
    }

    /** The dotted Micrometer name, e.g. {@code bridge.worker.results}. */
    public String metricName() {
        return metricName;
    }

    public Meter.Type type() {
        return type;
    }

    /** The base unit, or empty; timers are always recorded in seconds by the Prometheus registry. */
    public Optional<String> baseUnit() {
        return Optional.ofNullable(baseUnit);
    }

    public String description() {
        return description;
    }

    /** The bounded tag keys, in the order the helpers expect their values. */
    public List<String> tagKeys() {
        return tagKeys;
    }

    public Role role() {
        return role;
    }

    /**
     * The name Micrometer's Prometheus registry exposes: dots become underscores, the base unit is appended to
     * counters, gauges and summaries unless the name already ends with it, the Prometheus client's reserved
     * suffixes are dropped, counters end in {@code _total} and
     * timers in {@code _seconds}. Timers and summaries are exposed as {@code _count}, {@code _sum}, {@code _max}
     * (and {@code _bucket} when a histogram is published) on top of this name.
     */
    public String prometheusName() {
        String n = metricName.replace('.', '_');
        if (baseUnit != null && type != Meter.Type.TIMER && !n.endsWith("_" + baseUnit)) {
            n = n + "_" + baseUnit;
        }
        n = withoutReservedSuffixes(n);
        if (type == Meter.Type.COUNTER) {
            n = n + "_total";
        }
        if (type == Meter.Type.TIMER && !n.endsWith("_seconds")) {
            n = n + "_seconds";
        }
        return n;
    }

    /**
     * The Prometheus client strips the suffixes it reserves for its own series ({@code _total}, {@code _created},
     * {@code _bucket}, {@code _info}) from a metric name, repeatedly; the catalogue's test keeps them out of
     * dotted names so no metric is silently renamed.
     */
    static String withoutReservedSuffixes(String n) {
        boolean stripped = true;
        while (stripped) {
            stripped = false;
            for (String suffix : RESERVED_SUFFIXES) {
                if (n.endsWith(suffix) && n.length() > suffix.length()) {
                    n = n.substring(0, n.length() - suffix.length());
                    stripped = true;
                }
            }
        }
        return n;
    }

    /**
     * The metric a Prometheus series name belongs to: the exact {@link #prometheusName()}, or for timers and
     * summaries that name plus {@code _count}, {@code _sum}, {@code _max} or {@code _bucket}.
     */
    public static Optional<BridgeMetric> fromPrometheusName(String series) {
        for (BridgeMetric m : values()) {
            String p = m.prometheusName();
            if (p.equals(series)) {
                return Optional.of(m);
            }
            if (m.type == Meter.Type.TIMER || m.type == Meter.Type.DISTRIBUTION_SUMMARY) {
                for (String suffix : SERIES_SUFFIXES) {
                    if (series.equals(p + suffix)) {
                        return Optional.of(m);
                    }
                }
            }
        }
        return Optional.empty();
    }

    /**
     * For timers, the upper bounds of the published histogram ({@code _bucket} series for
     * {@code histogram_quantile}, plus {@code +Inf}); empty when the timer publishes none. Explicit and few on
     * purpose: Micrometer's percentile histogram would add 80 to 120 buckets per series.
     */
    public List<Duration> histogramBuckets() {
        return switch (this) {
            case API_CALLS -> seconds(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120);
            case SUBMITTER_CREATE_LATENCY -> seconds(0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300);
            case SUBMITTER_INTENT_WRITE -> seconds(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5, 30);
            case SUBMITTER_TIME_TO_CREATE -> seconds(1, 5, 30, 60, 300, 900, 1800, 3600, 7200);
            case WORKER_FANOUT_LATENCY -> seconds(1, 10, 30, 60, 300, 900, 1800, 3600, 3 * 3600, 6 * 3600);
            case WORKER_BATCH_DURATION ->
                seconds(
                        60, 300, 900, 1800, 3600, 2 * 3600, 4 * 3600, 8 * 3600, 12 * 3600, 20 * 3600, 24 * 3600,
                        25 * 3600);
            default -> List.of();
        };
    }

    private static List<Duration> seconds(double... bounds) {
        return Arrays.stream(bounds)
                .mapToObj(b -> Duration.ofNanos(Math.round(b * 1e9)))
                .toList();
    }

    /** The tags for the given values, in {@link #tagKeys()} order; rejects a wrong count or a null value. */
    public Tags tags(String... tagValues) {
        Objects.requireNonNull(tagValues, "tagValues");
        if (tagValues.length != tagKeys.size()) {
            throw new IllegalArgumentException(metricName + " takes " + tagKeys.size() + " tag value(s) " + tagKeys
                    + " but was given " + tagValues.length + ": " + Arrays.toString(tagValues));
        }
        List<io.micrometer.core.instrument.Tag> tags = new ArrayList<>(tagValues.length);
        for (int i = 0; i < tagValues.length; i++) {
            if (tagValues[i] == null) {
                throw new IllegalArgumentException(metricName + " tag " + tagKeys.get(i) + " must not be null");
            }
            tags.add(io.micrometer.core.instrument.Tag.of(tagKeys.get(i), tagValues[i]));
        }
        return Tags.of(tags);
    }

    /** Registers (or finds) this counter with the given tag values. */
    public Counter counter(MeterRegistry registry, String... tagValues) {
        requireType(Meter.Type.COUNTER);
        return Counter.builder(metricName)
                .description(description)
                .baseUnit(baseUnit)
                .tags(tags(tagValues))
                .register(registry);
    }

    /** Registers (or finds) this timer with the given tag values, with its histogram if it has one. */
    public Timer timer(MeterRegistry registry, String... tagValues) {
        requireType(Meter.Type.TIMER);
        Timer.Builder b = Timer.builder(metricName).description(description).tags(tags(tagValues));
        List<Duration> buckets = histogramBuckets();
        if (!buckets.isEmpty()) {
            b.serviceLevelObjectives(buckets.toArray(Duration[]::new));
        }
        return b.register(registry);
    }

    /** Registers (or finds) this distribution summary with the given tag values. */
    public DistributionSummary summary(MeterRegistry registry, String... tagValues) {
        requireType(Meter.Type.DISTRIBUTION_SUMMARY);
        return DistributionSummary.builder(metricName)
                .description(description)
                .baseUnit(baseUnit)
                .tags(tags(tagValues))
                .register(registry);
    }

    /**
     * Registers this gauge, reading {@code value} at each scrape ({@code NaN} when it returns null). The
     * supplier is held strongly, unlike {@link MeterRegistry#gauge}, so a lambda cannot be collected away.
     */
    public Gauge gauge(MeterRegistry registry, Supplier<? extends Number> value, String... tagValues) {
        requireType(Meter.Type.GAUGE);
        Objects.requireNonNull(value, "value");
        return Gauge.builder(metricName, value, s -> {
                    Number n = s.get();
                    return n == null ? Double.NaN : n.doubleValue();
                })
                .description(description)
                .baseUnit(baseUnit)
                .tags(tags(tagValues))
                .strongReference(true)
                .register(registry);
    }

    /** Registers this gauge as a function of {@code obj}, held strongly. */
    public <T> Gauge gauge(MeterRegistry registry, T obj, ToDoubleFunction<T> f, String... tagValues) {
        requireType(Meter.Type.GAUGE);
        return Gauge.builder(metricName, obj, f)
                .description(description)
                .baseUnit(baseUnit)
                .tags(tags(tagValues))
                .strongReference(true)
                .register(registry);
    }

    private void requireType(Meter.Type wanted) {
        if (type != wanted) {
            throw new IllegalStateException(metricName + " is a " + type + ", not a " + wanted);
        }
    }
}
