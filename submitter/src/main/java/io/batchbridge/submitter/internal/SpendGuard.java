package io.batchbridge.submitter.internal;

import io.batchbridge.common.model.ModelCatalogue;
import io.batchbridge.common.model.ModelInfo;
import io.batchbridge.common.model.Prices;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The optional daily spend limit ({@code bridge.submitter.spend.limit.usd.per.day}). Before a create the loop
 * asks to {@link #reserve} the batch's worst-case cost; the reservations of the current UTC day add up, and a
 * batch that would take them over the limit is refused: the loop keeps it, pauses intake and tries again each
 * iteration, which succeeds once the day rolls over. A create that does not happen (transient failure,
 * bisection, rejection) gives its reservation back.
 *
 * <p>The estimate is deliberately pessimistic: input tokens ≈ {@code params} bytes / 4 at the model's batch
 * input price (no cache discount), output at the request's {@code max_tokens} at the batch output price. A
 * model the catalogue does not know (only possible with the pass_through policy) counts as 0. Owned by the poll
 * thread; {@link #engaged()} is read by metrics and readiness from other threads.
 */
public final class SpendGuard {
    private static final Logger log = LoggerFactory.getLogger(SpendGuard.class);
    /** Rough bytes of JSON per input token. */
    static final int BYTES_PER_TOKEN = 4;

    private final double limitUsd;
    private final ModelCatalogue catalogue;
    private final Clock clock;
    private LocalDate day;
    private double reservedUsd;
    private volatile boolean engaged;
    private volatile LocalDate engagedOn;

    /** @param limitUsd the daily limit in USD; 0 turns the guard off */
    public SpendGuard(double limitUsd, ModelCatalogue catalogue, Clock clock) {
        if (limitUsd < 0 || Double.isNaN(limitUsd)) {
            throw new IllegalArgumentException("spend limit must be >= 0 but was " + limitUsd);
        }
        this.limitUsd = limitUsd;
        this.catalogue = catalogue;
        this.clock = clock;
    }

    public boolean enabled() {
        return limitUsd > 0;
    }

    /** The worst-case cost in USD of creating this batch. */
    public double estimate(PendingBatch batch) {
        double usd = 0;
        for (LaneItem i : batch.items()) {
            Optional<Prices> prices = catalogue.find(i.request().model()).map(ModelInfo::prices);
            if (prices.isPresent()) {
                long inputTokens = i.request().envelope().params().length / BYTES_PER_TOKEN;
                usd += inputTokens * prices.get().batchInputPerMTok() / 1_000_000d
                        + i.request().maxTokens() * prices.get().batchOutputPerMTok() / 1_000_000d;
            }
        }
        return usd;
    }

    /**
     * Reserves the batch's estimate in today's window and returns true, or returns false (and engages) when it
     * would take today's reservations over the limit. Always true when the guard is off.
     */
    public boolean reserve(PendingBatch batch) {
        if (!enabled()) {
            return true;
        }
        roll();
        double est = estimate(batch);
        if (reservedUsd + est > limitUsd) {
            if (!engaged) {
                log.warn(
                        "spend guard engaged: a batch of {} requests (worst case {} USD) would take today's {} USD"
                                + " over the limit of {} USD; intake paused until the next UTC day",
                        batch.items().size(),
                        String.format("%.4f", est),
                        String.format("%.4f", reservedUsd),
                        limitUsd);
            }
            engaged = true;
            engagedOn = day;
            return false;
        }
        reservedUsd += est;
        engaged = false;
        return true;
    }

    /** Gives back the reservation of a batch that was not created (same day only). */
    public void release(PendingBatch batch) {
        if (!enabled()) {
            return;
        }
        roll();
        reservedUsd = Math.max(0, reservedUsd - estimate(batch));
    }

    /** True while a batch waits because of the limit; turns false as soon as the UTC day rolls over. */
    public boolean engaged() {
        LocalDate on = engagedOn;
        return engaged && on != null && on.equals(today());
    }

    /** The USD reserved in the current UTC day. */
    public double reservedToday() {
        roll();
        return reservedUsd;
    }

    private void roll() {
        LocalDate today = today();
        if (!today.equals(day)) {
            if (day != null && engaged) {
                log.info("spend guard: a new UTC day ({}) opens a new window; intake resumes", today);
            }
            day = today;
            reservedUsd = 0;
            engaged = false;
        }
    }

    private LocalDate today() {
        return LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
    }
}
