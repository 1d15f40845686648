package io.batchbridge.submitter.internal;

import io.batchbridge.common.records.BridgeHeaders;
import io.batchbridge.common.records.Coordinates;
import io.batchbridge.common.records.DeadLetterReason;
import io.batchbridge.common.records.EnvelopeCodec;
import io.batchbridge.common.records.Problem;
import io.batchbridge.common.records.RequestEnvelope;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * What the loop does with a batch a spend limit refuses, besides keeping it.
 *
 * <p>A tenant's limit pauses the tenant's request topics, but not the retry topic, whose partitions hold every
 * tenant's retries. A retry of a held tenant kept in a waiting batch would hold its retry-partition offset while
 * other tenants' retries above it are handed off: the commit metadata would grow with every one of them until the
 * broker refuses it. So {@link #deferRetries} takes the refused batch's requests read from the retry topic out and
 * writes each back to the retry topic as it was (same attempt, same envelope) but due {@link #DEFER} later (or at
 * the next UTC day, if sooner), in the transaction that completes their offsets. Requests from request topics keep
 * waiting: their partitions are paused for the tenant, so nothing above them is handed off.
 *
 * <p>A batch whose worst case alone exceeds a limit would wait forever (and under the deployment's limit pause all
 * intake every day): {@link #fit} splits it before it is queued, and dead-letters a single request that can never fit.
 */
final class SpendRefusals {
    /** How long a retry of a held tenant is put back before its tenant's limit is checked again. */
    static final Duration DEFER = Duration.ofMinutes(5);

    private final String retryTopic;
    private final Clock clock;
    private final SubmitterMetrics metrics;

    SpendRefusals(String retryTopic, Clock clock, SubmitterMetrics metrics) {
        this.retryTopic = retryTopic;
        this.clock = clock;
        this.metrics = metrics;
    }

    /**
     * Writes every request of {@code batch} read from the retry topic (requests sharing an answer included) back to
     * the retry topic, due later, and completes their offsets in {@code outbox}.
     *
     * @return the batch without them (the same instance when it has none), or null when nothing is left
     */
    PendingBatch deferRetries(PendingBatch batch, Outbox outbox) {
        if (batch.all().noneMatch(this::fromRetry)) {
            return batch;
        }
        Instant due = due();
        List<LaneItem> kept = new ArrayList<>();
        for (LaneItem item : batch.items()) {
            List<LaneItem> stay = new ArrayList<>();
            item.all().map(LaneItem::alone).forEach(i -> {
                if (fromRetry(i)) {
                    outbox.add(retryRecord(i, due));
                    outbox.completes(i.partition(), i.source().offset());
                    metrics.spendRetryDeferred(batch.lane().tenant());
                } else {
                    stay.add(i);
                }
            });
            if (!stay.isEmpty()) { // the first request left answers for the others, as before
                kept.add(stay.get(0).sharedBy(stay.subList(1, stay.size())));
            }
        }
        return kept.isEmpty() ? null : batch.with(kept);
    }

    /**
     * The parts of {@code batch} that a spend limit can let through: the batch itself when its worst case fits the
     * limits, else its halves, split again until each fits; a single request whose worst case alone exceeds a limit
     * goes to {@code refused} (as a batch of one) with the problem to dead-letter it for.
     */
    List<PendingBatch> fit(PendingBatch batch, SpendGuard guard, BiConsumer<PendingBatch, Problem> refused) {
        String over = guard.exceedsAlone(batch);
        if (over == null) {
            return List.of(batch);
        }
        List<LaneItem> items = batch.items();
        if (items.size() == 1) {
            refused.accept(batch, new Problem(DeadLetterReason.SPEND_LIMIT_EXCEEDED, "the request's " + over));
            return List.of();
        }
        metrics.spendSplit();
        int mid = items.size() / 2;
        List<PendingBatch> out = new ArrayList<>(fit(batch.with(items.subList(0, mid)), guard, refused));
        out.addAll(fit(batch.with(items.subList(mid, items.size())), guard, refused));
        return out;
    }

    /** {@link #DEFER} from now, or the next UTC midnight when that comes first (a new day's limit). */
    Instant due() {
        Instant now = clock.instant();
        Instant midnight = LocalDate.ofInstant(now, ZoneOffset.UTC)
                .plusDays(1)
                .atStartOfDay(ZoneOffset.UTC)
                .toInstant();
        Instant later = now.plus(DEFER);
        return midnight.isBefore(later) ? midnight : later;
    }

    private boolean fromRetry(LaneItem i) {
        return i.source().topic().equals(retryTopic);
    }

    private ProducerRecord<byte[], byte[]> retryRecord(LaneItem item, Instant due) {
        RequestEnvelope e = item.request().envelope();
        Coordinates origin = e.origin() != null ? e.origin() : item.source();
        RequestEnvelope again = new RequestEnvelope(
                e.customId(),
                e.params(),
                e.replyTo(),
                e.betas(),
                e.metadata(),
                e.account(),
                e.attempt(),
                due,
                origin,
                e.lastError(),
                e.maxAttempts());
        RecordHeaders h = new RecordHeaders();
        BridgeHeaders.put(h, BridgeHeaders.ATTEMPT, String.valueOf(e.attempt()));
        BridgeHeaders.put(h, BridgeHeaders.NOT_BEFORE, due.toString());
        BridgeHeaders.put(h, BridgeHeaders.CUSTOM_ID, e.customId());
        BridgeHeaders.putOrigin(h, origin);
        return new ProducerRecord<>(
                retryTopic, null, e.customId().getBytes(StandardCharsets.UTF_8), EnvelopeCodec.write(again), h);
    }
}
