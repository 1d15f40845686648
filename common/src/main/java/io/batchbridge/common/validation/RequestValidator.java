package io.batchbridge.common.validation;

import static io.batchbridge.common.records.DeadLetterReason.ACCOUNT_NOT_ALLOWED;
import static io.batchbridge.common.records.DeadLetterReason.EXTENDED_OUTPUT_NOT_SUPPORTED;
import static io.batchbridge.common.records.DeadLetterReason.INVALID_BETA;
import static io.batchbridge.common.records.DeadLetterReason.INVALID_FIELD;
import static io.batchbridge.common.records.DeadLetterReason.INVALID_MESSAGES;
import static io.batchbridge.common.records.DeadLetterReason.INVALID_PARAM;
import static io.batchbridge.common.records.DeadLetterReason.INVALID_THINKING_BUDGET;
import static io.batchbridge.common.records.DeadLetterReason.MAX_TOKENS_OVER_CAP;
import static io.batchbridge.common.records.DeadLetterReason.MISSING_FIELD;
import static io.batchbridge.common.records.DeadLetterReason.RECORD_TOO_LARGE;
import static io.batchbridge.common.records.DeadLetterReason.REPLY_TO_NOT_ALLOWED;
import static io.batchbridge.common.records.DeadLetterReason.REPLY_TO_UNKNOWN_TOPIC;
import static io.batchbridge.common.records.DeadLetterReason.STREAM_NOT_SUPPORTED;
import static io.batchbridge.common.records.DeadLetterReason.UNKNOWN_ACCOUNT;
import static io.batchbridge.common.records.DeadLetterReason.UNKNOWN_BETA;
import static io.batchbridge.common.records.DeadLetterReason.UNKNOWN_MODEL;
import static io.batchbridge.common.records.DeadLetterReason.UNSUPPORTED_PARAM;

import io.batchbridge.common.model.ModelCatalogue;
import io.batchbridge.common.model.ModelInfo;
import io.batchbridge.common.records.Echo;
import io.batchbridge.common.records.EnvelopeCodec;
import io.batchbridge.common.records.InvalidRecordException;
import io.batchbridge.common.records.ParamsFacts;
import io.batchbridge.common.records.ParsedRequest;
import io.batchbridge.common.records.RequestEnvelope;
import io.batchbridge.common.topics.TopicNames;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Intake validation: everything the submitter can know is wrong with a request before the API sees it.
 * Each failure is a dead letter with a reason code and a sentence (invariant 6); what passes comes back
 * with the lane it belongs to.
 */
public final class RequestValidator {
    /** Minimum {@code thinking.budget_tokens} the API accepts. */
    static final long MIN_THINKING_BUDGET = 1024;
    /** A beta name as the API spells them (e.g. output-300k-2026-03-24): always a legal header token. */
    static final Pattern BETA = Pattern.compile("[a-z0-9][a-z0-9-]{0,127}");
    /** The thinking types the API knows. */
    static final java.util.Set<String> THINKING_TYPES = java.util.Set.of("enabled", "disabled", "adaptive");
    /** More betas than any request needs; the header stays small. */
    static final int MAX_BETAS = 16;

    private final ModelCatalogue catalogue;
    private final ValidationPolicy policy;

    public RequestValidator(ModelCatalogue catalogue, ValidationPolicy policy) {
        this.catalogue = catalogue;
        this.policy = policy;
    }

    /**
     * Validates one record value of a request topic whose own account is {@code defaultAccount}, as if the
     * record were on no particular topic (unit tests and tools).
     */
    public ValidRequest validate(byte[] value, String defaultAccount) throws InvalidRecordException {
        return validate(value, IntakeSource.request(null, defaultAccount));
    }

    /**
     * Validates one record value. Checks everything a later stage depends on (topic names, header tokens,
     * account, sizes), so a record that passes can be sent, ticketed and fanned out.
     *
     * @throws ValidationPolicy.TopicDirectory.Unavailable when whether {@code reply_to} exists cannot be known now
     */
    public ValidRequest validate(byte[] value, IntakeSource source) throws InvalidRecordException {
        if (value != null && value.length > policy.maxRecordBytes()) {
            throw new InvalidRecordException(
                    RECORD_TOO_LARGE,
                    "the record is " + value.length + " bytes; the limit is " + policy.maxRecordBytes(),
                    null);
        }
        ParsedRequest parsed = EnvelopeCodec.parse(value);
        RequestEnvelope e = source.retry() ? parsed.envelope() : firstAttempt(parsed.envelope());
        String id = e.customId();
        checkEnvelope(e);
        ParamsFacts f = parsed.facts();
        checkRequiredParams(f, id);
        checkDisallowed(f, id);

        SortedSet<String> betas = checkBetas(e, id);
        boolean stripped = betas.removeAll(catalogue.retiredBetas());
        Optional<ModelInfo> model = catalogue.find(f.model());
        if (model.isEmpty() && policy.rejectUnknownModels()) {
            throw new InvalidRecordException(
                    UNKNOWN_MODEL, "model " + Echo.quoted(f.model()) + " is not in the model catalogue", id);
        }
        if (model.isPresent()) {
            checkCaps(model.get(), f.maxTokens(), betas, id);
        }
        checkThinking(f, id);
        String account = checkAccount(e, source, id);
        checkReplyToExists(e);
        return new ValidRequest(e, account, betas, f.model(), f.maxTokens(), stripped, f.prefix());
    }

    /** On a request topic the product's own fields are a producer's forgery: the request starts at attempt 1. */
    private static RequestEnvelope firstAttempt(RequestEnvelope e) {
        if (e.attempt() == 1
                && e.notBefore() == null
                && e.origin() == null
                && e.lastError() == null
                && e.maxAttempts() == 0) {
            return e;
        }
        return new RequestEnvelope(
                e.customId(), e.params(), e.replyTo(), e.betas(), e.metadata(), e.account(), 1, null, null, null);
    }

    private SortedSet<String> checkBetas(RequestEnvelope e, String id) throws InvalidRecordException {
        if (e.betas().size() > MAX_BETAS) {
            throw new InvalidRecordException(
                    INVALID_BETA, "betas has " + e.betas().size() + " entries; the limit is " + MAX_BETAS, id);
        }
        for (String b : e.betas()) {
            if (!BETA.matcher(b).matches()) {
                throw new InvalidRecordException(
                        INVALID_BETA,
                        "beta " + Echo.quoted(b) + " is not a beta name (lower-case letters, digits and hyphens)",
                        id);
            }
            if (policy.rejectUnknownBetas()
                    && !catalogue.knownBetas().contains(b)
                    && !catalogue.retiredBetas().contains(b)) {
                throw new InvalidRecordException(
                        UNKNOWN_BETA, "beta " + Echo.quoted(b) + " is not in the catalogue's known betas", id);
            }
        }
        return new TreeSet<>(e.betas());
    }

    /** The account the request runs on. Never lists the configured accounts: a producer may be probing. */
    private String checkAccount(RequestEnvelope e, IntakeSource source, String id) throws InvalidRecordException {
        String topicAccount = source.topicAccount();
        if (e.account() == null || e.account().equals(topicAccount)) {
            if (!policy.accounts().contains(topicAccount)) {
                throw new InvalidRecordException(
                        UNKNOWN_ACCOUNT, "account " + Echo.quoted(topicAccount) + " is not configured", id);
            }
            return topicAccount;
        }
        String chosen = e.account();
        String topic = source.requestTopic() == null ? "this topic" : "topic " + source.requestTopic();
        switch (policy.accountChoice()) {
            case NONE ->
                throw new InvalidRecordException(
                        ACCOUNT_NOT_ALLOWED,
                        "records on " + topic
                                + " may not choose an account (bridge.submitter.record.account.choice=none)",
                        id);
            case LISTED -> {
                if (!policy.allowedFor(source.requestTopic()).contains(chosen)) {
                    throw new InvalidRecordException(
                            ACCOUNT_NOT_ALLOWED,
                            "account " + Echo.quoted(chosen) + " is not allowed for records on " + topic,
                            id);
                }
            }
            case ANY -> {}
        }
        if (!policy.accounts().contains(chosen)) {
            throw new InvalidRecordException(
                    UNKNOWN_ACCOUNT, "account " + Echo.quoted(chosen) + " is not configured", id);
        }
        return chosen;
    }

    private void checkReplyToExists(RequestEnvelope e) throws InvalidRecordException {
        if (e.replyTo() != null && !policy.topics().exists(e.replyTo())) {
            throw new InvalidRecordException(
                    REPLY_TO_UNKNOWN_TOPIC,
                    "reply_to topic " + Echo.quoted(e.replyTo()) + " does not exist; create it or fix reply_to",
                    e.customId());
        }
    }

    private void checkEnvelope(RequestEnvelope e) throws InvalidRecordException {
        String replyTo = e.replyTo();
        if (replyTo != null && !TopicNames.isLegal(replyTo)) {
            throw new InvalidRecordException(
                    REPLY_TO_NOT_ALLOWED,
                    "reply_to " + Echo.quoted(replyTo) + " is not a legal Kafka topic name (at most 249 characters"
                            + " of a-z A-Z 0-9 . _ -)",
                    e.customId());
        }
        if (replyTo != null && policy.ownTopics().contains(replyTo)) {
            throw new InvalidRecordException(
                    REPLY_TO_NOT_ALLOWED,
                    "reply_to " + Echo.quoted(replyTo) + " is one of batch-bridge's own topics",
                    e.customId());
        }
        if (replyTo != null && !policy.replyToAllowed().matcher(replyTo).matches()) {
            throw new InvalidRecordException(
                    REPLY_TO_NOT_ALLOWED,
                    "reply_to " + Echo.quoted(replyTo) + " does not match the allowed pattern "
                            + Echo.of(policy.replyToAllowed().pattern()),
                    e.customId());
        }
        if (e.metadata() != null && e.metadata().length > policy.maxMetadataBytes()) {
            throw new InvalidRecordException(
                    INVALID_FIELD,
                    "metadata is " + e.metadata().length + " bytes; the limit is " + policy.maxMetadataBytes(),
                    e.customId());
        }
    }

    private static void checkRequiredParams(ParamsFacts f, String id) throws InvalidRecordException {
        if (!f.modelPresent()) {
            throw new InvalidRecordException(MISSING_FIELD, "params.model is required", id);
        }
        if (f.model() == null) {
            throw new InvalidRecordException(INVALID_FIELD, "params.model must be a string", id);
        }
        if (!f.maxTokensPresent()) {
            throw new InvalidRecordException(MISSING_FIELD, "params.max_tokens is required", id);
        }
        if (f.maxTokens() == null) {
            throw new InvalidRecordException(INVALID_FIELD, "params.max_tokens must be an integer", id);
        }
        if (!f.messagesPresent()) {
            throw new InvalidRecordException(MISSING_FIELD, "params.messages is required", id);
        }
        if (!f.messagesIsList()) {
            throw new InvalidRecordException(INVALID_FIELD, "params.messages must be a list", id);
        }
        if (f.shapeProblem() != null) {
            throw new InvalidRecordException(INVALID_MESSAGES, f.shapeProblem(), id);
        }
        if (f.paramProblem() != null) {
            throw new InvalidRecordException(INVALID_PARAM, f.paramProblem(), id);
        }
    }

    private static void checkDisallowed(ParamsFacts f, String id) throws InvalidRecordException {
        if (f.stream()) {
            throw new InvalidRecordException(
                    STREAM_NOT_SUPPORTED, "\"stream\": true is not supported in the Message Batches API", id);
        }
        if (f.maxTokens() < 1) {
            throw new InvalidRecordException(
                    UNSUPPORTED_PARAM, "max_tokens must be at least 1 in a batch but was " + f.maxTokens(), id);
        }
        if (!f.disallowed().isEmpty()) {
            throw new InvalidRecordException(
                    UNSUPPORTED_PARAM,
                    "params " + new TreeSet<>(f.disallowed()) + " are not allowed in the Message Batches API",
                    id);
        }
    }

    private void checkCaps(ModelInfo model, long maxTokens, SortedSet<String> betas, String id)
            throws InvalidRecordException {
        int extendedCap = catalogue.extendedMaxTokens();
        if (maxTokens <= model.maxTokens()) {
            return;
        }
        if (model.extendedOutput() && maxTokens <= extendedCap) {
            betas.add(ModelCatalogue.EXTENDED_OUTPUT_BETA); // the lane gets the beta; the request fits
            return;
        }
        if (!model.extendedOutput() && maxTokens <= extendedCap) {
            throw new InvalidRecordException(
                    EXTENDED_OUTPUT_NOT_SUPPORTED,
                    "max_tokens " + maxTokens + " needs the " + ModelCatalogue.EXTENDED_OUTPUT_BETA + " beta, which "
                            + model.id() + " does not support; its cap is " + model.maxTokens(),
                    id);
        }
        int cap = model.maxTokens(true, extendedCap);
        throw new InvalidRecordException(
                MAX_TOKENS_OVER_CAP,
                "max_tokens: " + maxTokens + " > " + cap + ", which is the maximum allowed number of output tokens for "
                        + model.id(),
                id);
    }

    private static void checkThinking(ParamsFacts f, String id) throws InvalidRecordException {
        if (f.thinkingType() != null && !THINKING_TYPES.contains(f.thinkingType())) {
            throw new InvalidRecordException(
                    INVALID_PARAM,
                    "thinking.type must be one of enabled, disabled, adaptive but was " + Echo.quoted(f.thinkingType()),
                    id);
        }
        if (!"enabled".equals(f.thinkingType())) {
            return;
        }
        if (f.thinkingBudgetInvalid()) {
            throw new InvalidRecordException(INVALID_THINKING_BUDGET, "thinking.budget_tokens must be an integer", id);
        }
        Long budget = f.thinkingBudget();
        if (budget == null) {
            throw new InvalidRecordException(
                    INVALID_THINKING_BUDGET, "thinking.budget_tokens is required when thinking is enabled", id);
        }
        if (budget >= f.maxTokens()) {
            throw new InvalidRecordException(
                    INVALID_THINKING_BUDGET,
                    "thinking.budget_tokens " + budget + " must be less than max_tokens " + f.maxTokens(),
                    id);
        }
        if (budget < MIN_THINKING_BUDGET) {
            throw new InvalidRecordException(
                    INVALID_THINKING_BUDGET,
                    "thinking.budget_tokens must be at least " + MIN_THINKING_BUDGET + " but was " + budget,
                    id);
        }
    }
}
