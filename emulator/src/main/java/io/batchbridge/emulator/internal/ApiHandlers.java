package io.batchbridge.emulator.internal;

import io.batchbridge.emulator.Endpoint;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/** The six Message Batches operations, and count_tokens. */
final class ApiHandlers {
    /** The API's request-size cap for a batch (256 MB). */
    static final long MAX_BODY_BYTES = 256L * 1024 * 1024;
    /** The Messages API's request-size cap, which count_tokens shares (32 MB). */
    static final long MAX_COUNT_TOKENS_BYTES = 32L * 1024 * 1024;

    private final EmulatorSettings settings;
    private final SimClock clock;
    private final BatchStore store;
    private final Ids ids;
    private final Planner planner;
    private final PromptCache cache;

    ApiHandlers(EmulatorSettings settings, SimClock clock, BatchStore store, Ids ids) {
        this.settings = settings;
        this.clock = clock;
        this.store = store;
        this.ids = ids;
        this.planner = new Planner(settings.catalogue(), settings.profile(), settings.seed());
        this.cache = new PromptCache(settings.catalogue(), settings.cacheHitRate());
    }

    void handle(Endpoint endpoint, String batchId, List<String> betas, Call c) throws IOException {
        switch (endpoint) {
            case CREATE -> create(c, betas);
            case RETRIEVE -> retrieve(c, batchId);
            case LIST -> list(c);
            case CANCEL -> cancel(c, batchId);
            case DELETE -> delete(c, batchId);
            case RESULTS -> results(c, batchId);
            case COUNT_TOKENS -> countTokens(c);
            default -> throw ApiError.notFound("Not Found");
        }
    }

    private void create(Call c, List<String> betas) throws IOException {
        List<RequestFacts> facts = CreateBodyReader.read(c.exchange().getRequestBody(), MAX_BODY_BYTES);
        Instant now = clock.now();
        String id = ids.batchId();
        PlannedRequest[] plans = new PlannedRequest[facts.size()];
        for (int i = 0; i < plans.length; i++) {
            plans[i] = planner.plan(id, betas, facts.get(i));
        }
        cache.apply(ChronoUnit.MICROS.between(Instant.EPOCH, now), plans, facts);
        // Result order is deterministic but deliberately not request order, as on the real API.
        Arrays.sort(plans, Comparator.comparingLong(PlannedRequest::hash));
        BatchRecord batch =
                new BatchRecord(id, store.nextSequence(), now, clock.wallNow(), betas, plans, settings.cancelDelay());
        store.add(batch);
        c.sendJson(200, JsonOut.batch(batch.view(now, settings.progressiveCounts()), c.baseUrl()));
    }

    /**
     * {@code POST /v1/messages/count_tokens}: the same checks as a batch item's params (answered at once, as a
     * 400, instead of as an errored result), and the input the emulator would bill for that prompt.
     */
    private void countTokens(Call c) throws IOException {
        RequestFacts f = CreateBodyReader.readCountTokens(c.exchange().getRequestBody(), MAX_COUNT_TOKENS_BYTES);
        String invalid = planner.countTokensError(f);
        if (invalid != null) {
            throw ApiError.invalid(invalid);
        }
        if (settings.catalogue().find(f.model()).isEmpty()) {
            throw ApiError.notFound("model: " + f.model());
        }
        c.sendJson(200, ("{\"input_tokens\":" + f.estimatedInputTokens() + "}").getBytes(StandardCharsets.UTF_8));
    }

    private void retrieve(Call c, String id) throws IOException {
        BatchView v = view(store.get(id));
        if (!v.ended() && settings.pollRetryAfter() != null) {
            c.setHeader(
                    "retry-after",
                    Long.toString(Math.max(1, settings.pollRetryAfter().toSeconds())));
        }
        c.sendJson(200, JsonOut.batch(v, c.baseUrl()));
    }

    private void list(Call c) throws IOException {
        int limit = limit(c.query("limit"));
        String after = c.query("after_id");
        String before = c.query("before_id");
        if (after != null && before != null) {
            throw ApiError.invalid("Only one of after_id and before_id may be provided.");
        }
        boolean[] hasMore = new boolean[1];
        List<BatchView> views = new ArrayList<>();
        for (BatchRecord b : store.page(after, before, limit, hasMore)) {
            views.add(view(b));
        }
        c.sendJson(200, JsonOut.page(views, hasMore[0], c.baseUrl()));
    }

    private static int limit(String raw) {
        if (raw == null) {
            return 20;
        }
        long n;
        try {
            n = Long.parseLong(raw.trim());
        } catch (NumberFormatException e) {
            throw ApiError.invalid("limit: Input should be a valid integer, unable to parse string as an integer");
        }
        if (n < 1) {
            throw ApiError.invalid("limit: Input should be greater than or equal to 1");
        }
        if (n > 1000) {
            throw ApiError.invalid("limit: Input should be less than or equal to 1000");
        }
        return (int) n;
    }

    private void cancel(Call c, String id) throws IOException {
        BatchRecord b = store.get(id);
        b.cancel(clock.now());
        c.sendJson(200, JsonOut.batch(view(b), c.baseUrl()));
    }

    private void delete(Call c, String id) throws IOException {
        BatchRecord b = store.get(id);
        if (!view(b).ended()) {
            throw ApiError.invalid("In progress batches cannot be deleted. Consider canceling the batch instead.");
        }
        b.markDeleted();
        c.sendJson(200, JsonOut.deleted(id));
    }

    private void results(Call c, String id) throws IOException {
        BatchRecord b = store.get(id);
        if (!view(b).resultsAvailable()) {
            throw ApiError.notFound("Message Batch " + id + " has no available results.");
        }
        OutputStream body = c.startStream("application/x-jsonl");
        OutputStream buffered = new BufferedOutputStream(body, 256 * 1024);
        new ResultWriter(buffered).writeAll(b);
        buffered.close();
    }

    private BatchView view(BatchRecord b) {
        return b.view(clock.now(), settings.progressiveCounts());
    }
}
