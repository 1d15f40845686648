package io.batchbridge.cli.estimate;

import io.batchbridge.client.BatchesApiException;
import io.batchbridge.common.model.ModelCatalogue;
import io.batchbridge.common.records.Echo;
import io.batchbridge.common.records.EnvelopeCodec;
import io.batchbridge.common.records.InvalidRecordException;
import io.batchbridge.common.records.RequestEnvelope;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Estimates one line of a request file at a time: the envelope and params checked (an invalid line is reported
 * with its number and reason and not counted), the input tokens from the API's count_tokens while it answers, else
 * the local estimate (prompt bytes / 4, labelled), the prefix lengths of the breakpoints in the same tokens, and the
 * request's costs added to a {@link CostEstimate}.
 */
public final class Estimator {
    /** Status codes with which the API refuses a prompt itself (the batch would error that request too). */
    private static final Set<Integer> REFUSES_PROMPT = Set.of(400, 404, 413);

    /** Counts a request's input tokens (the API's count_tokens); throws {@link BatchesApiException}. */
    @FunctionalInterface
    public interface Counter {
        long count(byte[] params, List<String> betas);
    }

    private final CostEstimate estimate;
    private final PrintWriter perRequest;
    private final PrintWriter err;
    private Counter counter;
    private String localReason;
    private long counted;
    private long local;
    private long invalid;

    /**
     * @param counter the API's count_tokens, or null to estimate locally for {@code localReason}
     * @param perRequest where each request's line goes, or null for none
     */
    public Estimator(
            CostEstimate estimate, Counter counter, String localReason, PrintWriter perRequest, PrintWriter err) {
        this.estimate = estimate;
        this.counter = counter;
        this.localReason = counter == null ? localReason : null;
        this.perRequest = perRequest;
        this.err = err;
    }

    /** Estimates one non-blank line; false when it is invalid (reported on {@code err}, not counted). */
    public boolean line(long number, byte[] bytes) {
        RequestEnvelope envelope;
        try {
            envelope = EnvelopeCodec.parse(bytes).envelope();
        } catch (InvalidRecordException e) {
            return reject(
                    number, e.problem().reason().code() + ": " + e.problem().message());
        }
        PromptScan.Prompt prompt;
        try {
            prompt = PromptScan.scan(envelope.params());
        } catch (IllegalArgumentException e) {
            return reject(number, "invalid params: " + e.getMessage());
        }
        if (prompt.model() == null) {
            return reject(number, "model: Field required (a string)");
        }
        if (prompt.maxTokens() == null || prompt.maxTokens() < 1) {
            return reject(number, "max_tokens: Field required (an integer of at least 1)");
        }
        long tokens = prompt.localTokens();
        boolean byApi = false;
        if (counter != null) {
            try {
                tokens = counter.count(envelope.params(), betas(envelope.betas()));
                byApi = true;
            } catch (BatchesApiException e) {
                if (REFUSES_PROMPT.contains(e.status())) {
                    return reject(
                            number,
                            "count_tokens refuses it: " + e.status() + " " + Echo.of(e.errorType()) + ": "
                                    + Echo.of(e.apiMessage(), 300));
                }
                counter = null;
                localReason = "count_tokens failed at line " + number + " (" + e.status() + " " + Echo.of(e.errorType())
                        + ")";
                err.println("bridge estimate: " + localReason + "; local estimates from here on");
            }
        }
        if (byApi) {
            counted++;
        } else {
            local++;
        }
        List<PromptScan.Breakpoint> points = scaled(prompt, tokens);
        CostEstimate.Request r = new CostEstimate.Request(prompt.model(), tokens, prompt.maxTokens(), points);
        CostEstimate.Priced p = estimate.add(r);
        if (perRequest != null) {
            long key = points.isEmpty() ? 0 : points.get(points.size() - 1).key();
            EstimateReport.request(perRequest, number, envelope.customId(), r, byApi, p, key);
        }
        return true;
    }

    /** Reports a line that is not a request (too long, blank lines are the caller's). */
    public boolean reject(long number, String reason) {
        invalid++;
        err.println("line " + number + ": invalid, not counted: " + reason);
        return false;
    }

    public long invalid() {
        return invalid;
    }

    public EstimateReport.Source source() {
        return new EstimateReport.Source(counted, local, localReason);
    }

    /**
     * Breakpoint prefixes in the request's own tokens: the local prefix length scaled by counted / local tokens (1
     * on the emulator, which counts bytes / 4 too), never above the request's input.
     */
    static List<PromptScan.Breakpoint> scaled(PromptScan.Prompt prompt, long tokens) {
        long localTokens = prompt.localTokens();
        List<PromptScan.Breakpoint> out = new ArrayList<>(prompt.breakpoints().size());
        for (PromptScan.Breakpoint b : prompt.breakpoints()) {
            long t = tokens == localTokens ? b.tokens() : Math.multiplyExact(b.tokens(), tokens) / localTokens;
            out.add(new PromptScan.Breakpoint(b.key(), Math.min(t, tokens), b.oneHour()));
        }
        return out;
    }

    /** The extended-output beta is for batches (the API's count_tokens has no use for it); the rest pass. */
    private static List<String> betas(List<String> betas) {
        return betas.stream()
                .filter(b -> !ModelCatalogue.EXTENDED_OUTPUT_BETA.equals(b))
                .toList();
    }
}
