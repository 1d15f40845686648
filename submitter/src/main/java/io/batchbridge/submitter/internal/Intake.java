package io.batchbridge.submitter.internal;

import io.batchbridge.common.records.BridgeHeaders;
import io.batchbridge.common.records.Coordinates;
import io.batchbridge.common.records.DeadLetterReason;
import io.batchbridge.common.records.InvalidRecordException;
import io.batchbridge.common.records.Problem;
import io.batchbridge.common.records.RequestEnvelope;
import io.batchbridge.common.validation.IntakeSource;
import io.batchbridge.common.validation.RequestValidator;
import io.batchbridge.common.validation.ValidRequest;
import io.batchbridge.common.validation.ValidationPolicy;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns one consumed record into a lane item or a dead letter: validation (invariant 6), the request's attempt
 * limit (decided here and carried with it), and each request's account.
 */
public final class Intake {
    private static final Logger log = LoggerFactory.getLogger(Intake.class);

    /** What to do with one record. */
    public sealed interface Decision {}

    /** Valid: goes into its lane. */
    public record Accept(LaneKey lane, LaneItem item) implements Decision {}

    /** Never valid: dead-letter it now. */
    public record Reject(Problem problem, String customId, Coordinates source, byte[] raw, int attempt)
            implements Decision {}

    /**
     * Not to be decided now: a retry record that is not due yet, or a record whose validity the cluster cannot
     * tell at the moment (its {@code reply_to} could not be looked up). Its partition waits at it until {@code due}.
     */
    public record NotDue(Instant due) implements Decision {}

    /** How long a record waits when the cluster could not tell whether its {@code reply_to} exists. */
    static final Duration LOOKUP_RETRY = Duration.ofSeconds(2);

    private final RequestValidator validator;
    private final String retryTopic;
    /** {@code bridge.submitter.retry.max.attempts}: the limit of requests whose record carries none. */
    private final int maxAttempts;

    private final Map<String, String> topicAccounts;
    private final String defaultAccount;
    private final SubmitterMetrics metrics;

    public Intake(
            RequestValidator validator,
            String retryTopic,
            int maxAttempts,
            Map<String, String> topicAccounts,
            String defaultAccount,
            SubmitterMetrics metrics) {
        this.validator = validator;
        this.retryTopic = retryTopic;
        this.maxAttempts = maxAttempts;
        this.topicAccounts = Map.copyOf(topicAccounts);
        this.defaultAccount = defaultAccount;
        this.metrics = metrics;
    }

    public Decision decide(ConsumerRecord<byte[], byte[]> r, Instant now) {
        Coordinates source = new Coordinates(r.topic(), r.partition(), r.offset());
        boolean retry = r.topic().equals(retryTopic);
        if (retry) {
            Instant due = notBefore(r);
            if (due != null && due.isAfter(now)) {
                return new NotDue(due);
            }
        }
        String originTopic = retry ? BridgeHeaders.get(r.headers(), BridgeHeaders.ORIGIN_TOPIC) : r.topic();
        String requestTopic = originTopic == null ? r.topic() : originTopic;
        String account = topicAccounts.getOrDefault(requestTopic, defaultAccount);
        ValidRequest valid;
        try {
            valid = validator.validate(r.value(), new IntakeSource(requestTopic, account, retry));
        } catch (InvalidRecordException e) {
            return new Reject(e.problem(), e.customId(), source, r.value(), 1);
        } catch (ValidationPolicy.TopicDirectory.Unavailable e) {
            // infrastructure, not the record: hold its partition and decide again, never a dead letter
            log.warn("holding {} for {}: {}", source, LOOKUP_RETRY, e.getMessage());
            metrics.lookupHeld();
            return new NotDue(now.plus(LOOKUP_RETRY));
        }
        // The attempt limit is decided once, here, when the request enters: this submitter's own for a request,
        // the one its retry record carries (decided at its first attempt) for a retry; the ticket item carries
        // it and the worker obeys it, so the roles cannot disagree. A retry record that carries none (written
        // by an older worker) gets this submitter's.
        RequestEnvelope envelope = valid.envelope();
        int limit = envelope.maxAttempts() > 0 ? envelope.maxAttempts() : maxAttempts;
        int attempt = envelope.attempt();
        if (attempt > limit) {
            return new Reject(
                    new Problem(
                            DeadLetterReason.ATTEMPTS_EXHAUSTED,
                            "attempt " + attempt + " exceeds the limit of " + limit + "; last error: "
                                    + envelope.lastError()),
                    envelope.customId(),
                    source,
                    r.value(),
                    attempt);
        }
        if (envelope.maxAttempts() != limit) {
            valid = valid.withEnvelope(envelope.withMaxAttempts(limit));
        }
        if (valid.strippedRetiredBeta()) {
            metrics.retiredBetaStripped();
        }
        return new Accept(new LaneKey(valid.account(), valid.betas()), new LaneItem(valid, source, r.value()));
    }

    private static Instant notBefore(ConsumerRecord<byte[], byte[]> r) {
        String header = BridgeHeaders.get(r.headers(), BridgeHeaders.NOT_BEFORE);
        if (header == null) {
            return null; // validation reads not_before from the body; an undated retry is due now
        }
        try {
            return Instant.parse(header);
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
