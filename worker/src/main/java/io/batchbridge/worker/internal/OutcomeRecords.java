package io.batchbridge.worker.internal;

import io.batchbridge.client.ResultLine;
import io.batchbridge.common.config.Tenants;
import io.batchbridge.common.model.Cost;
import io.batchbridge.common.model.ModelCatalogue;
import io.batchbridge.common.model.SpendEntry;
import io.batchbridge.common.model.TokenUsage;
import io.batchbridge.common.records.BridgeHeaders;
import io.batchbridge.common.records.Coordinates;
import io.batchbridge.common.records.DeadLetter;
import io.batchbridge.common.records.EnvelopeCodec;
import io.batchbridge.common.records.InvalidRecordException;
import io.batchbridge.common.records.Problem;
import io.batchbridge.common.records.RequestEnvelope;
import io.batchbridge.common.records.ResultRecord;
import io.batchbridge.common.records.TicketItem;
import io.batchbridge.common.topics.TopicNames;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;

/** Builds the records one result line turns into: a result, a retry record, a dead letter, a checkpoint. */
public final class OutcomeRecords {
    private final TopicNames topics;
    private final ModelCatalogue catalogue;
    private final Clock clock;
    private final Tenants tenants;

    public OutcomeRecords(TopicNames topics, ModelCatalogue catalogue, Clock clock) {
        this(topics, catalogue, clock, Tenants.none());
    }

    public OutcomeRecords(TopicNames topics, ModelCatalogue catalogue, Clock clock, Tenants tenants) {
        this.topics = topics;
        this.catalogue = catalogue;
        this.clock = clock;
        this.tenants = tenants;
    }

    public ModelCatalogue catalogue() {
        return catalogue;
    }

    /**
     * The exact cost of a succeeded line (micro-dollars by kind, at batch and standard prices and without caching),
     * or null for a model the catalogue does not know.
     */
    public Cost cost(ResultLine line) {
        TokenUsage u = line.usage().toTokenUsage();
        return catalogue.find(line.model()).map(m -> m.prices().cost(u)).orElse(null);
    }

    /**
     * The tenant item {@code i} is billed to: the configured tenant of the topic its request was first published to
     * (never a value from the record).
     */
    public String tenant(OpenBatch b, int i) {
        return tenants.forTopic(origin(b, i).topic());
    }

    /**
     * The batch's actual cost for the spend ledger (key {@code batch:<id>}): the submitters' guard counts it instead
     * of the batch's worst-case reservation.
     */
    public ProducerRecord<byte[], byte[]> spendActual(String batchId, long micros) {
        return new ProducerRecord<>(
                topics.spend(),
                SpendEntry.batchKey(batchId).getBytes(StandardCharsets.UTF_8),
                SpendEntry.actual(batchId, micros).toJson());
    }

    /** The spend ledger topic. */
    public String spendTopic() {
        return topics.spend();
    }

    /** The result of a succeeded line, on the item's {@code reply_to} topic or the default results topic. */
    public ProducerRecord<byte[], byte[]> result(OpenBatch b, int i, ResultLine line) {
        return result(b, i, line, cost(line));
    }

    /** The result of a succeeded line priced at {@code cost} (null: unknown model). */
    public ProducerRecord<byte[], byte[]> result(OpenBatch b, int i, ResultLine line, Cost cost) {
        TicketItem item = b.item(i);
        ResultRecord r = ResultRecord.priced(
                item.customId(),
                b.batchId(),
                line.model(),
                line.stopReason(),
                line.usage().toTokenUsage(),
                cost,
                item.attempt(),
                item.metadata(),
                b.createdAt(),
                b.batch() == null ? null : b.batch().endedAt(),
                clock.instant());
        RecordHeaders h = new RecordHeaders();
        BridgeHeaders.put(h, BridgeHeaders.CUSTOM_ID, item.customId());
        BridgeHeaders.put(h, BridgeHeaders.BATCH_ID, b.batchId());
        if (line.model() != null) {
            BridgeHeaders.put(h, BridgeHeaders.MODEL, line.model());
        }
        BridgeHeaders.put(h, BridgeHeaders.RESULT_TYPE, "succeeded");
        if (line.stopReason() != null) {
            BridgeHeaders.put(h, BridgeHeaders.STOP_REASON, line.stopReason());
        }
        BridgeHeaders.put(h, BridgeHeaders.TRUNCATED, String.valueOf(line.truncated()));
        BridgeHeaders.put(h, BridgeHeaders.ATTEMPT, String.valueOf(item.attempt()));
        BridgeHeaders.putOrigin(h, origin(b, i));
        String topic = item.replyTo() == null ? topics.results() : item.replyTo();
        return new ProducerRecord<>(topic, null, key(item), r.toJson(line.message()), h);
    }

    /**
     * The retry record of item {@code i}: the original request as its next attempt, due after {@code backoff}, with
     * the attempt limit its ticket item carries ({@code max_attempts}). An item that carries none (written by an
     * older submitter) gives a record without one: the submitter then sets its own. A {@code max_attempts} in the
     * original bytes is never copied: on a request topic it is a producer's and was ignored.
     *
     * @param original the submitted record's bytes (a request or a retry record)
     */
    public ProducerRecord<byte[], byte[]> retry(OpenBatch b, int i, byte[] original, Problem why, Duration backoff)
            throws InvalidRecordException {
        TicketItem item = b.item(i);
        RequestEnvelope e = EnvelopeCodec.parse(original).envelope();
        Instant due = clock.instant().plus(backoff);
        RequestEnvelope next = new RequestEnvelope(
                e.customId(),
                e.params(),
                e.replyTo(),
                e.betas(),
                e.metadata(),
                e.account(),
                item.attempt() + 1,
                due,
                origin(b, i),
                why.message(),
                item.maxAttempts());
        RecordHeaders h = new RecordHeaders();
        BridgeHeaders.put(h, BridgeHeaders.ATTEMPT, String.valueOf(item.attempt() + 1));
        BridgeHeaders.put(h, BridgeHeaders.NOT_BEFORE, due.toString());
        BridgeHeaders.put(h, BridgeHeaders.CUSTOM_ID, item.customId());
        BridgeHeaders.put(h, BridgeHeaders.BATCH_ID, b.batchId());
        BridgeHeaders.putOrigin(h, origin(b, i));
        return new ProducerRecord<>(topics.retry(), null, key(item), EnvelopeCodec.write(next), h);
    }

    /** A dead letter for item {@code i}; {@code original} may be null when the request is no longer readable. */
    public ProducerRecord<byte[], byte[]> deadLetter(
            OpenBatch b, int i, byte[] original, Problem problem, String resultType) {
        TicketItem item = b.item(i);
        ProducerRecord<byte[], byte[]> r = DeadLetter.to(topics.dlq(), problem)
                .original(original)
                .customId(item.customId())
                .failed(b.source(i))
                .origin(origin(b, i))
                .attempt(item.attempt())
                .batchId(b.batchId())
                .build();
        if (resultType != null) {
            BridgeHeaders.put(r.headers(), BridgeHeaders.RESULT_TYPE, resultType);
        }
        return r;
    }

    /** The checkpoint of a batch; a null checkpoint is a tombstone. */
    public ProducerRecord<byte[], byte[]> checkpoint(String batchId, Checkpoint c) {
        return new ProducerRecord<>(
                topics.checkpoints(), batchId.getBytes(StandardCharsets.UTF_8), c == null ? null : c.toJson());
    }

    private static Coordinates origin(OpenBatch b, int i) {
        Coordinates o = b.item(i).origin();
        return o != null ? o : b.source(i);
    }

    private static byte[] key(TicketItem item) {
        return item.customId().getBytes(StandardCharsets.UTF_8);
    }
}
