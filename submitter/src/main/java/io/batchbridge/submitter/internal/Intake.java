package io.batchbridge.submitter.internal;

import io.batchbridge.common.records.Coordinates;
import io.batchbridge.common.records.DeadLetterReason;
import io.batchbridge.common.records.DeadLetters;
import io.batchbridge.common.records.Headers;
import io.batchbridge.common.records.InvalidRecordException;
import io.batchbridge.common.records.Problem;
import io.batchbridge.common.validation.RequestValidator;
import io.batchbridge.common.validation.ValidRequest;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns one consumed record into a lane item or a dead letter: validation (invariant 6), the retry
 * topic's attempt limit, and each request's account.
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

    /** A retry record that is not due yet. */
    public record NotDue(Instant due) implements Decision {}

    private final RequestValidator validator;
    private final String retryTopic;
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
        String originTopic = retry ? DeadLetters.header(r.headers(), Headers.ORIGIN_TOPIC) : r.topic();
        String account = topicAccounts.getOrDefault(originTopic == null ? r.topic() : originTopic, defaultAccount);
        ValidRequest valid;
        try {
            valid = validator.validate(r.value(), account);
        } catch (InvalidRecordException e) {
            return new Reject(e.problem(), e.customId(), source, r.value(), 1);
        }
        int attempt = valid.envelope().attempt();
        if (attempt > maxAttempts) {
            return new Reject(
                    new Problem(
                            DeadLetterReason.ATTEMPTS_EXHAUSTED,
                            "attempt " + attempt + " exceeds the limit of " + maxAttempts + "; last error: "
                                    + valid.envelope().lastError()),
                    valid.envelope().customId(),
                    source,
                    r.value(),
                    attempt);
        }
        if (valid.strippedRetiredBeta()) {
            metrics.retiredBetaStripped();
        }
        return new Accept(new LaneKey(valid.account(), valid.betas()), new LaneItem(valid, source, r.value()));
    }

    private static Instant notBefore(ConsumerRecord<byte[], byte[]> r) {
        String header = DeadLetters.header(r.headers(), Headers.NOT_BEFORE);
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
