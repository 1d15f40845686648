package io.batchbridge.emulator.internal;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * One batch: its plan, fixed at create, and the only two things that change later (cancel time, deleted).
 * Its state at any simulated instant is derived from elapsed time, so nothing runs in the background.
 */
public final class BatchRecord {
    /** Processing window: requests unfinished this long after creation expire. */
    public static final long EXPIRY_MICROS = Duration.ofHours(24).toNanos() / 1000;
    /** Results can be downloaded this long after creation. */
    public static final long ARCHIVE_MICROS = Duration.ofDays(29).toNanos() / 1000;

    private final String id;
    private final long sequence;
    private final Instant createdAt;
    private final Instant shownCreatedAt;
    private final List<String> betas;
    private final PlannedRequest[] requests;
    private final long naturalEndMicros;
    private final long cancelDelayMicros;
    private volatile Instant cancelInitiatedAt;
    private volatile boolean deleted;

    public BatchRecord(
            String id,
            long sequence,
            Instant createdAt,
            List<String> betas,
            PlannedRequest[] resultOrder,
            Duration cancelDelay) {
        this(id, sequence, createdAt, createdAt, betas, resultOrder, cancelDelay);
    }

    /**
     * @param createdAt the simulated instant of the create: the batch's lifecycle runs from it on the simulated clock
     * @param shownCreatedAt the {@code created_at} the API reports ({@link SimClock#wallNow}); every other timestamp
     *     is shown at the same distance from it as on the simulated clock
     */
    public BatchRecord(
            String id,
            long sequence,
            Instant createdAt,
            Instant shownCreatedAt,
            List<String> betas,
            PlannedRequest[] resultOrder,
            Duration cancelDelay) {
        this.id = id;
        this.sequence = sequence;
        this.createdAt = createdAt.truncatedTo(ChronoUnit.MICROS);
        this.shownCreatedAt = shownCreatedAt.truncatedTo(ChronoUnit.MICROS);
        this.betas = List.copyOf(betas);
        this.requests = resultOrder;
        long end = 0;
        for (PlannedRequest r : resultOrder) {
            end = Math.max(end, r.finishMicros());
        }
        this.naturalEndMicros = end;
        this.cancelDelayMicros = cancelDelay.toNanos() / 1000;
    }

    public String id() {
        return id;
    }

    public long sequence() {
        return sequence;
    }

    public List<String> betas() {
        return betas;
    }

    public boolean deleted() {
        return deleted;
    }

    public void markDeleted() {
        deleted = true;
    }

    /** Requests cancellation at {@code now} unless the batch already ended or a cancel is under way. */
    public synchronized void cancel(Instant now) {
        if (cancelInitiatedAt == null && micros(now) < endMicros(null)) {
            cancelInitiatedAt = now.truncatedTo(ChronoUnit.MICROS);
        }
    }

    private long micros(Instant t) {
        return ChronoUnit.MICROS.between(createdAt, t);
    }

    private long endMicros(Long cancelMicros) {
        long end = Math.min(naturalEndMicros, EXPIRY_MICROS);
        return cancelMicros == null ? end : Math.min(end, cancelMicros + cancelDelayMicros);
    }

    private Long cancelMicros() {
        Instant c = cancelInitiatedAt;
        return c == null ? null : micros(c);
    }

    /** The final result type of {@code r}: its planned outcome unless cancel or expiry came first. */
    public Outcome finalOutcome(PlannedRequest r) {
        Long cancel = cancelMicros();
        long cutoff = cancel == null ? EXPIRY_MICROS : Math.min(cancel, EXPIRY_MICROS);
        if (r.finishMicros() <= cutoff) {
            return r.outcome();
        }
        return cancel != null && cancel < EXPIRY_MICROS ? Outcome.CANCELED : Outcome.EXPIRED;
    }

    /** The planned requests in result-file order. */
    public PlannedRequest[] requests() {
        return requests;
    }

    /** The batch at simulated instant {@code now}. */
    public BatchView view(Instant now, boolean progressiveCounts) {
        Long cancel = cancelMicros();
        long t = micros(now);
        long end = endMicros(cancel);
        boolean ended = t >= end;
        long[] counts = new long[Outcome.values().length];
        long processing = 0;
        long visibleUntil = cancel == null ? t : Math.min(t, cancel);
        for (PlannedRequest r : requests) {
            if (ended) {
                counts[finalOutcome(r).ordinal()]++;
            } else if (progressiveCounts && r.finishMicros() <= visibleUntil) {
                counts[r.outcome().ordinal()]++;
            } else {
                processing++;
            }
        }
        String status = ended ? "ended" : cancel != null ? "canceling" : "in_progress";
        return new BatchView(
                id,
                status,
                processing,
                counts[Outcome.SUCCEEDED.ordinal()],
                counts[Outcome.ERRORED.ordinal()],
                counts[Outcome.CANCELED.ordinal()],
                counts[Outcome.EXPIRED.ordinal()],
                shownCreatedAt,
                shownCreatedAt.plus(EXPIRY_MICROS, ChronoUnit.MICROS),
                ended ? shownCreatedAt.plus(end, ChronoUnit.MICROS) : null,
                cancel == null ? null : shownCreatedAt.plus(cancel, ChronoUnit.MICROS),
                t >= ARCHIVE_MICROS ? shownCreatedAt.plus(ARCHIVE_MICROS, ChronoUnit.MICROS) : null);
    }
}
