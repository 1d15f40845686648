package io.batchbridge.common.validation;

import static io.batchbridge.common.records.DeadLetterReason.EXTENDED_OUTPUT_NOT_SUPPORTED;
import static io.batchbridge.common.records.DeadLetterReason.INVALID_FIELD;
import static io.batchbridge.common.records.DeadLetterReason.INVALID_THINKING_BUDGET;
import static io.batchbridge.common.records.DeadLetterReason.MAX_TOKENS_OVER_CAP;
import static io.batchbridge.common.records.DeadLetterReason.MISSING_FIELD;
import static io.batchbridge.common.records.DeadLetterReason.RECORD_TOO_LARGE;
import static io.batchbridge.common.records.DeadLetterReason.REPLY_TO_NOT_ALLOWED;
import static io.batchbridge.common.records.DeadLetterReason.STREAM_NOT_SUPPORTED;
import static io.batchbridge.common.records.DeadLetterReason.UNKNOWN_ACCOUNT;
import static io.batchbridge.common.records.DeadLetterReason.UNKNOWN_MODEL;
import static io.batchbridge.common.records.DeadLetterReason.UNSUPPORTED_PARAM;

import io.batchbridge.common.model.ModelCatalogue;
import io.batchbridge.common.model.ModelInfo;
import io.batchbridge.common.records.EnvelopeCodec;
import io.batchbridge.common.records.InvalidRecordException;
import io.batchbridge.common.records.ParamsFacts;
import io.batchbridge.common.records.ParsedRequest;
import io.batchbridge.common.records.RequestEnvelope;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Intake validation: everything the submitter can know is wrong with a request before the API sees it.
 * Each failure is a dead letter with a reason code and a sentence (invariant 6); what passes comes back
 * with the lane it belongs to.
 */
public final class RequestValidator {
    /** Minimum {@code thinking.budget_tokens} the API accepts. */
    static final long MIN_THINKING_BUDGET = 1024;

    private final ModelCatalogue catalogue;
    private final ValidationPolicy policy;

    public RequestValidator(ModelCatalogue catalogue, ValidationPolicy policy) {
        this.catalogue = catalogue;
        this.policy = policy;
    }

    /**
     * Validates one record value.
     *
     * @param defaultAccount the account for requests that name none (the source topic's default)
     */
    public ValidRequest validate(byte[] value, String defaultAccount) throws InvalidRecordException {
        if (value != null && value.length > policy.maxRecordBytes()) {
            throw new InvalidRecordException(
                    RECORD_TOO_LARGE,
                    "the record is " + value.length + " bytes; the limit is " + policy.maxRecordBytes(),
                    null);
        }
        ParsedRequest parsed = EnvelopeCodec.parse(value);
        RequestEnvelope e = parsed.envelope();
        String id = e.customId();
        checkEnvelope(e);
        ParamsFacts f = parsed.facts();
        checkRequiredParams(f, id);
        checkDisallowed(f, id);

        SortedSet<String> betas = new TreeSet<>(e.betas());
        boolean stripped = betas.removeAll(catalogue.retiredBetas());
        Optional<ModelInfo> model = catalogue.find(f.model());
        if (model.isEmpty() && policy.rejectUnknownModels()) {
            throw new InvalidRecordException(
                    UNKNOWN_MODEL, "model \"" + f.model() + "\" is not in the model catalogue", id);
        }
        if (model.isPresent()) {
            checkCaps(model.get(), f.maxTokens(), betas, id);
        }
        checkThinking(f, id);
        String account = e.account() != null ? e.account() : defaultAccount;
        if (!policy.accounts().contains(account)) {
            throw new InvalidRecordException(
                    UNKNOWN_ACCOUNT, "account \"" + account + "\" is not configured; known: " + policy.accounts(), id);
        }
        return new ValidRequest(e, account, betas, f.model(), f.maxTokens(), stripped);
    }

    private void checkEnvelope(RequestEnvelope e) throws InvalidRecordException {
        if (e.replyTo() != null && !policy.replyToAllowed().matcher(e.replyTo()).matches()) {
            throw new InvalidRecordException(
                    REPLY_TO_NOT_ALLOWED,
                    "reply_to \"" + e.replyTo() + "\" does not match the allowed pattern "
                            + policy.replyToAllowed().pattern(),
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
        if (!"enabled".equals(f.thinkingType())) {
            return;
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
