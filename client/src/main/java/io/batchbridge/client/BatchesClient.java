package io.batchbridge.client;

import io.batchbridge.client.internal.ApiTransport;
import io.batchbridge.client.internal.BatchJson;
import io.batchbridge.client.internal.ErrorMapper;
import io.batchbridge.client.internal.Guards;
import io.batchbridge.client.internal.IdleWatchdog;
import io.batchbridge.common.metrics.BridgeMetric;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one HTTP client of the Message Batches API for one {@link ApiAccount}. Bodies move as bytes: a create
 * sends a {@link CreateBody} assembled from raw {@code params}, results are streamed line by line with the
 * message kept raw. Every call runs under the Resilience4j instances named {@value Guards#INSTANCE} (retry,
 * circuit breaker, rate limiter, bulkhead; see {@link ClientSettings}), whose metrics, and a per-attempt
 * timer {@code bridge.api.calls{op,status,account}}, are bound to the injected {@link MeterRegistry}.
 *
 * <p>Every failure is a {@link BatchesApiException}. Thread-safe; one instance per account is enough.
 */
public final class BatchesClient implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(BatchesClient.class);
    private static final String BATCHES = "/v1/messages/batches";
    private static final String COUNT_TOKENS = "/v1/messages/count_tokens";
    private static final Pattern BATCH_ID = Pattern.compile("[A-Za-z0-9_-]{1,128}");
    private static final int PAGE_LIMIT = 100;

    private final ApiAccount account;
    private final ClientSettings settings;
    private final ApiTransport transport;
    private final Guards guards;
    private final IdleWatchdog watchdog;
    private final Counter resultBytes;
    private final Counter resultLines;

    public BatchesClient(ApiAccount account, ClientSettings settings, MeterRegistry registry, Clock clock) {
        this(account, settings, registry, clock, Sleeper.SYSTEM);
    }

    /** As the main constructor, with the retry waits going through {@code sleeper}. */
    public BatchesClient(
            ApiAccount account, ClientSettings settings, MeterRegistry registry, Clock clock, Sleeper sleeper) {
        this.account = Objects.requireNonNull(account, "account");
        this.settings = Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(registry, "registry");
        Objects.requireNonNull(clock, "clock");
        this.transport = new ApiTransport(account, settings, registry, clock);
        this.guards = new Guards(
                account,
                settings,
                registry,
                clock,
                sleeper,
                () -> ThreadLocalRandom.current().nextDouble());
        this.watchdog = new IdleWatchdog(settings.resultsIdleTimeout(), account.name());
        this.resultBytes = BridgeMetric.API_RESULTS_BYTES.counter(registry, account.name());
        this.resultLines = BridgeMetric.API_RESULTS_LINES.counter(registry, account.name());
    }

    /**
     * Creates a batch. The betas go in one {@code anthropic-beta} header. Retried in process only when the
     * request provably created nothing; otherwise a failure has {@link BatchesApiException#outcomeUnknown()}.
     */
    public MessageBatch create(CreateBody body, Collection<String> betas) {
        Objects.requireNonNull(body, "body");
        HttpRequest request = transport
                .request(transport.resolve(BATCHES), betas)
                .header("content-type", "application/json")
                .header("accept", "application/json")
                .POST(body.publisher())
                .build();
        MessageBatch batch = batchCall(ErrorMapper.CREATE, request);
        log.info(
                "created batch_id={} requests={} bytes={} account={}",
                batch.id(),
                body.requestCount(),
                body.sizeBytes(),
                account.name());
        return batch;
    }

    /**
     * {@code POST /v1/messages/count_tokens}: the input tokens the API counts for a prompt ({@code body}, e.g. from
     * {@link CountTokensBody#fromParams}). Free and idempotent, so retried like a read. A prompt the API refuses is a
     * {@link BatchesApiException} with status 400 (404 for an unknown model).
     */
    public long countTokens(byte[] body, Collection<String> betas) {
        Objects.requireNonNull(body, "body");
        HttpRequest request = transport
                .request(transport.resolve(COUNT_TOKENS), betas)
                .header("content-type", "application/json")
                .header("accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
        return guards.call("count_tokens", () -> parse("count_tokens", request, BatchJson::inputTokens));
    }

    public MessageBatch retrieve(String batchId) {
        return batchCall("retrieve", get(BATCHES + "/" + id(batchId)));
    }

    /** Every batch of the account's workspace, newest first, following {@code last_id} across pages. */
    public List<MessageBatch> listAll() {
        return listCreatedSince(java.time.Instant.MIN);
    }

    /**
     * The batches of the account's workspace created at or after {@code since}, newest first (paging stops at the
     * first older one: the API lists newest first).
     */
    public List<MessageBatch> listCreatedSince(java.time.Instant since) {
        List<MessageBatch> all = new ArrayList<>();
        String after = null;
        while (true) {
            String query = "?limit=" + PAGE_LIMIT
                    + (after == null ? "" : "&after_id=" + URLEncoder.encode(after, StandardCharsets.UTF_8));
            HttpRequest request = get(BATCHES + query);
            BatchJson.Page page = guards.call("list", () -> parse("list", request, BatchJson::page));
            for (MessageBatch b : page.data()) {
                if (b.createdAt() != null && b.createdAt().isBefore(since)) {
                    return all;
                }
                all.add(b);
            }
            if (!page.hasMore() || page.data().isEmpty() || page.lastId() == null) {
                return all;
            }
            after = page.lastId();
        }
    }

    public MessageBatch cancel(String batchId) {
        HttpRequest request = transport
                .request(transport.resolve(BATCHES + "/" + id(batchId) + "/cancel"), List.of())
                .header("accept", "application/json")
                .POST(HttpRequest.BodyPublishers.noBody())
                .build();
        return batchCall("cancel", request);
    }

    /** Deletes an ended batch (the API answers 400 for one still in progress). */
    public void delete(String batchId) {
        HttpRequest request = transport
                .request(transport.resolve(BATCHES + "/" + id(batchId)), List.of())
                .header("accept", "application/json")
                .DELETE()
                .build();
        guards.call("delete", () -> transport.exchange("delete", request));
    }

    /**
     * Opens the results of an ended batch as a lazy stream. Uses {@code batch.resultsUrl()} when it is on the
     * account's origin (the key is never sent elsewhere), else {@code /v1/messages/batches/{id}/results}.
     * Opening is retried like any call; a stream that breaks later is not resumed here (see
     * {@link ResultStream}).
     */
    public ResultStream results(MessageBatch batch) {
        return results(batch, 0);
    }

    /**
     * Like {@link #results(MessageBatch)}, with {@code readAheadBytes} of the body read ahead on a thread of the
     * stream's own into a ring allocated once (0 reads on the caller's thread), so the download goes on while the
     * caller is busy between lines.
     */
    public ResultStream results(MessageBatch batch, int readAheadBytes) {
        URI uri = resultsUri(batch);
        HttpRequest request = transport
                .request(uri, List.of())
                .header("accept", "application/x-jsonl")
                .GET()
                .build();
        HttpResponse<InputStream> response = guards.call("results", () -> transport.open("results", request));
        return new ResultStream(
                batch,
                response.body(),
                settings.maxResultLineBytes(),
                watchdog,
                readAheadBytes,
                resultBytes,
                resultLines);
    }

    /** True while the circuit breaker is OPEN: callers pause intake instead of filling retry topics. */
    public boolean circuitOpen() {
        return guards.circuitOpen();
    }

    /** The breaker state name ({@code CLOSED}, {@code OPEN}, {@code HALF_OPEN}, …), for health checks. */
    public String circuitState() {
        return guards.breaker().getState().name();
    }

    public ApiAccount account() {
        return account;
    }

    /** Stops the idle watchdog and unbinds the Resilience4j meters; open result streams stay usable until closed. */
    @Override
    public void close() {
        watchdog.close();
        guards.close();
    }

    URI resultsUri(MessageBatch batch) {
        String url = batch.resultsUrl();
        if (url != null) {
            try {
                URI uri = URI.create(url);
                if (transport.sameOrigin(uri)) {
                    return uri;
                }
                log.warn("batch_id={} results_url is on another origin; using the documented path instead", batch.id());
            } catch (IllegalArgumentException e) {
                log.warn("batch_id={} results_url is not a URL; using the documented path instead", batch.id());
            }
        }
        return transport.resolve(BATCHES + "/" + id(batch.id()) + "/results");
    }

    private HttpRequest get(String path) {
        return transport
                .request(transport.resolve(path), List.of())
                .header("accept", "application/json")
                .GET()
                .build();
    }

    private MessageBatch batchCall(String op, HttpRequest request) {
        return guards.call(op, () -> parse(op, request, BatchJson::batch));
    }

    private <T> T parse(String op, HttpRequest request, BodyParser<T> parser) {
        byte[] body = transport.exchange(op, request);
        try {
            return parser.parse(body);
        } catch (IOException | RuntimeException e) {
            throw ErrorMapper.malformed(op, 200, null, "unreadable response body: " + e.getMessage(), e);
        }
    }

    private static String id(String batchId) {
        if (batchId == null || !BATCH_ID.matcher(batchId).matches()) {
            throw new IllegalArgumentException("a batch id must match " + BATCH_ID.pattern() + " but was " + batchId);
        }
        return batchId;
    }

    @FunctionalInterface
    private interface BodyParser<T> {
        T parse(byte[] body) throws IOException;
    }
}
