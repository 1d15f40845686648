package io.batchbridge.submitter.internal;

import io.batchbridge.client.MessageBatch;
import io.batchbridge.common.lifecycle.Threads;
import io.batchbridge.common.records.Coordinates;
import io.batchbridge.common.records.RequestEnvelope;
import io.batchbridge.common.validation.ValidRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Predicate;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The primer policy (issue #23): when a prompt prefix this instance has not primed within the last hour gathers
 * {@code min.requests} requests in a lane of a primed topic, its first request goes alone, in a batch of its own,
 * with its breakpoints set to the 1-hour TTL; the others are held — out of the lanes, not handed off, so their
 * offsets stay uncommitted and a crash reads them again — until that batch has ended (its cache entry is then
 * written and readable by every later batch), or the hold has lasted {@code max.wait}, or holding would break the
 * buffered-bytes bound; then they go back into their lane, packed as usual. Requests of the prefix that arrive
 * meanwhile join the hold. Requests without a breakpoint, or on other topics, never come here.
 *
 * <p>Owned by the poll thread; only the status checks ({@link BatchStatus}, an API call) run on a thread of their
 * own, so the loop never waits on the API. Memory: the holds (bounded by the buffer) and at most
 * {@link #MAX_REMEMBERED} primed prefixes.
 *
 * <p>Holds and the memory of primed prefixes are kept per lane and fingerprint: a cache entry is written for one
 * account (and betas), so a prefix held or primed in one lane is neither held nor skipped in another.
 */
public final class Primer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Primer.class);

    /** How long a primed prefix is not primed again (its 1-hour entry lives that long, refreshed by reads). */
    static final Duration REMEMBER = Duration.ofHours(1);

    static final int MAX_REMEMBERED = 100_000;

    /**
     * @param topics request topics whose requests may be primed; empty turns priming off
     * @param minRequests requests of one new prefix that must be waiting before one is sent ahead
     * @param maxWait longest the others are held
     * @param checkEvery how often the primer batch's status is asked
     */
    public record Settings(Set<String> topics, int minRequests, Duration maxWait, Duration checkEvery) {
        public Settings {
            topics = Set.copyOf(topics);
        }

        public static Settings off() {
            return new Settings(Set.of(), 5, Duration.ofHours(1), Duration.ofSeconds(30));
        }

        public boolean enabled() {
            return !topics.isEmpty();
        }
    }

    /** Whether a batch has ended, asked of the API; may block, so it is called off the poll thread. */
    @FunctionalInterface
    public interface BatchStatus {
        boolean ended(String account, String batchId) throws Exception;
    }

    /** Where released requests go: back into their lane. */
    @FunctionalInterface
    public interface Sink {
        void accept(LaneKey lane, LaneItem item);
    }

    /** A prefix in a lane: what holds and the memory of primed prefixes are keyed by. */
    private record Prefix(LaneKey lane, long fingerprint) {}

    private static final class Hold {
        final LaneKey lane;
        final Coordinates primer;
        final Instant since;
        final List<LaneItem> items = new ArrayList<>();
        long bytes;
        String batchId;
        Instant nextCheck;
        boolean failed;
        volatile boolean checking;
        volatile boolean ended;

        Hold(LaneKey lane, Coordinates primer, Instant since) {
            this.lane = lane;
            this.primer = primer;
            this.since = since;
        }
    }

    private final Settings settings;
    private final BatchStatus status;
    private final java.util.concurrent.Executor checks;
    private final ExecutorService ownExecutor;
    private final SubmitterMetrics metrics;
    private final Map<Prefix, Hold> holds = new LinkedHashMap<>();
    private final LinkedHashMap<Prefix, Instant> primed = new LinkedHashMap<>();
    private long heldBytes;
    private volatile int heldCount;

    /** Checks run on a daemon thread of the primer's own. */
    public Primer(Settings settings, BatchStatus status, SubmitterMetrics metrics) {
        this(settings, status, null, metrics);
    }

    /** @param checks where status checks run (tests: the calling thread); null for a thread of its own */
    Primer(Settings settings, BatchStatus status, java.util.concurrent.Executor checks, SubmitterMetrics metrics) {
        this.settings = settings;
        this.status = status;
        this.ownExecutor = checks == null && settings.enabled()
                ? Executors.newSingleThreadExecutor(Threads.daemon("submitter-primer"))
                : null;
        this.checks = checks != null ? checks : ownExecutor;
        this.metrics = metrics;
        metrics.primerGauge(() -> heldCount);
    }

    /**
     * Joins a request of a primed topic to the hold of its prefix, if one is open for its lane; false: it goes to
     * its lane (always, for a request without a breakpoint or from another topic, e.g. a retry).
     */
    public boolean hold(LaneKey lane, LaneItem item) {
        long f = item.request().prefix().fingerprint();
        Hold h = f == 0 || !primedTopic(item) ? null : holds.get(new Prefix(lane, f));
        if (h == null) {
            return false;
        }
        add(h, item);
        return true;
    }

    /**
     * After {@code item} joined its lane: when its prefix is new here and has gathered enough requests, takes them
     * out of the lane and returns the primer batch (the first of them, breakpoints rewritten to the 1-hour TTL);
     * the rest are held. Null otherwise.
     */
    public PendingBatch prime(Lanes lanes, LaneKey lane, LaneItem item, Instant now) {
        long f = item.request().prefix().fingerprint();
        Prefix key = new Prefix(lane, f);
        if (f == 0
                || checks == null
                || !primedTopic(item)
                || holds.containsKey(key)
                || primedRecently(key, now)
                || lanes.groupSize(lane, f) < settings.minRequests()
                || lanes.groupSize(lane, f, this::primedTopic) < settings.minRequests()) {
            return null;
        }
        List<LaneItem> group = lanes.takeGroup(lane, f, this::primedTopic);
        LaneItem first = group.get(0);
        Hold h = new Hold(lane, first.source(), now);
        group.subList(1, group.size()).forEach(i -> add(h, i));
        holds.put(key, h);
        remember(key, now);
        metrics.primerSent();
        log.info("priming a cache prefix: 1 request ahead, {} held, lane {}", h.items.size(), lane);
        return new PendingBatch(lane, List.of(oneHour(first)), now);
    }

    /** Only requests of the primed topics are primed or held (a retry of the prefix, say, is not). */
    private boolean primedTopic(LaneItem item) {
        return settings.topics().contains(item.source().topic());
    }

    private static LaneItem oneHour(LaneItem item) {
        ValidRequest v = item.request();
        RequestEnvelope e = v.envelope();
        byte[] params = v.prefix().withOneHourTtl(e.params());
        RequestEnvelope rewritten = new RequestEnvelope(
                e.customId(),
                params,
                e.replyTo(),
                e.betas(),
                e.metadata(),
                e.account(),
                e.attempt(),
                e.notBefore(),
                e.origin(),
                e.lastError(),
                e.maxAttempts());
        return new LaneItem(v.withEnvelope(rewritten), item.source(), item.raw());
    }

    /** A batch the API accepted: if it is a primer, its end is watched from now on. */
    public void created(PendingBatch batch, MessageBatch created, Instant now) {
        Hold h = holdOfPrimer(batch);
        if (h != null) {
            h.batchId = created.id();
            h.nextCheck = now.plus(settings.checkEvery());
        }
    }

    /** A batch that will not be created (rejected, abandoned): if it is a primer, its hold is released. */
    public void notCreated(PendingBatch batch) {
        Hold h = holdOfPrimer(batch);
        if (h != null) {
            h.failed = true;
        }
    }

    private Hold holdOfPrimer(PendingBatch batch) {
        if (batch.items().size() != 1 || holds.isEmpty()) {
            return null;
        }
        LaneItem only = batch.items().get(0);
        Hold h = holds.get(new Prefix(batch.lane(), only.request().prefix().fingerprint()));
        return h != null && h.primer.equals(only.source()) ? h : null;
    }

    /**
     * Releases what is due: holds whose primer ended or failed, that waited {@code max.wait}, or — the oldest one
     * — when the loop's buffered bytes are above the bound; and asks the API about primers due a check.
     */
    public void tick(Instant now, boolean overBuffer, Sink sink) {
        boolean relievedBuffer = false;
        for (Iterator<Map.Entry<Prefix, Hold>> it = holds.entrySet().iterator(); it.hasNext(); ) {
            Hold h = it.next().getValue();
            check(h, now);
            String reason = h.ended
                    ? "ended"
                    : h.failed
                            ? "failed"
                            : !now.isBefore(h.since.plus(settings.maxWait()))
                                    ? "max_wait"
                                    : overBuffer && !relievedBuffer ? "buffer" : null;
            if (reason != null) {
                relievedBuffer |= reason.equals("buffer");
                it.remove();
                release(h, reason, sink);
            }
        }
    }

    private void check(Hold h, Instant now) {
        if (h.batchId == null || h.ended || h.checking || now.isBefore(h.nextCheck)) {
            return;
        }
        h.checking = true;
        h.nextCheck = now.plus(settings.checkEvery());
        String account = h.lane.account();
        String id = h.batchId;
        checks.execute(() -> {
            try {
                h.ended = status.ended(account, id);
            } catch (Exception e) {
                log.debug("could not ask whether primer batch {} ended: {}", id, e.toString());
            } finally {
                h.checking = false;
            }
        });
    }

    /** Releases the hold holding this record, if any (watermark relief); true when one was. */
    public boolean releaseHolding(TopicPartition tp, long offset, Sink sink) {
        for (Iterator<Hold> it = holds.values().iterator(); it.hasNext(); ) {
            Hold h = it.next();
            for (LaneItem i : h.items) {
                if (i.source().offset() == offset && i.partition().equals(tp)) {
                    it.remove();
                    release(h, "watermark", sink);
                    return true;
                }
            }
        }
        return false;
    }

    /** Releases every hold (shutdown: everything consumed is handed off). */
    public void releaseAll(Sink sink) {
        holds.values().forEach(h -> release(h, "drain", sink));
        holds.clear();
    }

    /**
     * Drops held requests of revoked partitions (the new owner reads them again); a hold whose primer was of a
     * revoked partition and not yet created is released at the next tick.
     */
    public List<LaneItem> removeIf(Predicate<LaneItem> revoked, Predicate<TopicPartition> revokedPartition) {
        List<LaneItem> removed = new ArrayList<>();
        for (Iterator<Hold> it = holds.values().iterator(); it.hasNext(); ) {
            Hold h = it.next();
            h.items.removeIf(i -> {
                if (revoked.test(i)) {
                    removed.add(i);
                    h.bytes -= i.raw().length;
                    heldBytes -= i.raw().length;
                    return true;
                }
                return false;
            });
            if (h.batchId == null
                    && revokedPartition.test(new TopicPartition(h.primer.topic(), h.primer.partition()))) {
                h.failed = true;
            }
            if (h.items.isEmpty()) {
                it.remove();
            }
        }
        heldCount = holds.values().stream().mapToInt(h -> h.items.size()).sum();
        return removed;
    }

    private void add(Hold h, LaneItem item) {
        h.items.add(item);
        h.bytes += item.raw().length;
        heldBytes += item.raw().length;
        heldCount++;
    }

    private void release(Hold h, String reason, Sink sink) {
        heldBytes -= h.bytes;
        heldCount -= h.items.size();
        metrics.primerReleased(reason, h.items.size());
        log.info("released {} requests held behind a primer ({})", h.items.size(), reason);
        h.items.forEach(i -> sink.accept(h.lane, i));
    }

    private boolean primedRecently(Prefix p, Instant now) {
        Instant at = primed.get(p);
        return at != null && now.isBefore(at.plus(REMEMBER));
    }

    private void remember(Prefix p, Instant now) {
        primed.remove(p);
        primed.put(p, now);
        for (Iterator<Instant> it = primed.values().iterator(); it.hasNext(); ) {
            Instant at = it.next();
            if (primed.size() <= MAX_REMEMBERED && now.isBefore(at.plus(REMEMBER))) {
                break; // oldest first: the rest are younger
            }
            it.remove();
        }
    }

    /** Bytes of the raw records held. */
    public long heldBytes() {
        return heldBytes;
    }

    public int heldRequests() {
        return heldCount;
    }

    @Override
    public void close() {
        if (ownExecutor != null) {
            ownExecutor.shutdownNow();
        }
    }
}
