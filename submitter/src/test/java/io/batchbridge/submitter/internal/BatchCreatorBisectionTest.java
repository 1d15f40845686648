package io.batchbridge.submitter.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.batchbridge.client.ApiAccount;
import io.batchbridge.client.BatchesClient;
import io.batchbridge.client.ClientSettings;
import io.batchbridge.client.Secret;
import io.batchbridge.common.metrics.BridgeMetric;
import io.batchbridge.common.records.Coordinates;
import io.batchbridge.common.records.DeadLetterReason;
import io.batchbridge.common.records.RequestEnvelope;
import io.batchbridge.common.records.TicketItem;
import io.batchbridge.common.testing.ManualClock;
import io.batchbridge.common.topics.TopicNames;
import io.batchbridge.common.validation.ValidRequest;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Bisection of a batch the API rejects as a whole (400/413 not about the beta header): halves within the shared
 * budget, until the refused request is alone and dead-lettered; the others are created. {@code BatchesClient} is
 * final and talks HTTP, so the API is a stub on a loopback socket that answers by the custom ids in each create
 * body (no emulator, no broker, no timing).
 */
class BatchCreatorBisectionTest {
    private static final String TOPIC = "bridge.requests";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ManualClock clock = ManualClock.at("2026-11-22T10:00:00Z");
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final SubmitterMetrics metrics = new SubmitterMetrics(registry);
    private final StubApi api = new StubApi();
    private final BatchesClient client = new BatchesClient(
            new ApiAccount("default", URI.create(api.baseUrl()), Secret.of("k"), Optional.empty(), 100_000),
            ClientSettings.from(Map.of(
                    "bridge.api.max.retries", "0",
                    "bridge.api.breaker.minimum.calls", "100")),
            registry,
            clock);
    private final OrphanBatches orphans = new OrphanBatches(a -> client, metrics, Duration.ofMinutes(10));
    private final OutcomeHandler handler =
            new OutcomeHandler(TopicNames.defaults(), 100, new TopicLimits(Map.of(), 1024 * 1024), clock, metrics);

    @AfterEach
    void tearDown() {
        orphans.close();
        client.close();
        api.close();
    }

    /** The Messages Batches create endpoint, answering {@code status} to every body {@code rejects} matches. */
    static final class StubApi implements AutoCloseable {
        final List<List<String>> calls = new CopyOnWriteArrayList<>();
        volatile Predicate<List<String>> rejects = ids -> false;
        volatile int status = 400;
        private final HttpServer server;

        StubApi() {
            try {
                server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            server.createContext("/v1/messages/batches", this::create);
            server.start();
        }

        String baseUrl() {
            return "http://127.0.0.1:" + server.getAddress().getPort();
        }

        private void create(HttpExchange x) throws IOException {
            List<String> ids = new ArrayList<>();
            for (JsonNode r : JSON.readTree(x.getRequestBody().readAllBytes()).path("requests")) {
                ids.add(r.path("custom_id").asText());
            }
            calls.add(List.copyOf(ids));
            boolean rejected = rejects.test(ids);
            String body = rejected
                    ? "{\"type\":\"error\",\"error\":{\"type\":\"invalid_request_error\","
                            + "\"message\":\"requests: one of them is refused\"}}"
                    : "{\"id\":\"msgbatch_" + calls.size() + "\",\"type\":\"message_batch\","
                            + "\"processing_status\":\"in_progress\",\"request_counts\":{\"processing\":" + ids.size()
                            + "},\"created_at\":\"2026-11-22T10:00:00Z\",\"expires_at\":\"2026-11-23T10:00:00Z\"}";
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            x.getResponseHeaders().add("content-type", "application/json");
            x.sendResponseHeaders(rejected ? status : 200, bytes.length);
            x.getResponseBody().write(bytes);
            x.close();
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }

    private BatchCreator creator(int bisectMaxCalls) {
        return new BatchCreator(
                a -> client,
                clock,
                new BatchCreator.Settings(Duration.ofSeconds(1), 1L << 30, 1, bisectMaxCalls),
                handler::tickets,
                handler.ticketParts(),
                orphans,
                metrics);
    }

    private PendingBatch batch(int n) {
        List<LaneItem> items = new ArrayList<>();
        for (int k = 0; k < n; k++) {
            String params = "{\"model\":\"claude-opus-4-6\",\"max_tokens\":10,"
                    + "\"messages\":[{\"role\":\"user\",\"content\":\"hi " + k + "\"}]}";
            RequestEnvelope e = new RequestEnvelope(
                    "user-" + k,
                    params.getBytes(StandardCharsets.UTF_8),
                    null,
                    List.of(),
                    null,
                    null,
                    1,
                    null,
                    null,
                    null);
            items.add(new LaneItem(
                    new ValidRequest(e, "default", new TreeSet<>(), "claude-opus-4-6", 10, false),
                    new Coordinates(TOPIC, 0, k),
                    new byte[] {1}));
        }
        return new PendingBatch(new LaneKey("default", new TreeSet<>()), items, clock.instant());
    }

    private static String id(long offset) {
        return TicketItem.batchCustomId(0, 0, offset);
    }

    /** What the poll loop does with the outcomes (SubmitterLoop): halves go first, the first half before the second. */
    private static List<CreateOutcome> run(BatchCreator creator, PendingBatch batch) {
        Deque<PendingBatch> toCreate = new ArrayDeque<>(List.of(batch));
        List<CreateOutcome> done = new ArrayList<>();
        while (!toCreate.isEmpty()) {
            for (CreateOutcome o : creator.create(toCreate.removeFirst())) {
                if (o instanceof CreateOutcome.Bisect b) {
                    List<PendingBatch> halves = b.batch().halves(creator.bisectMaxCalls(), b.message());
                    toCreate.addFirst(halves.get(1));
                    toCreate.addFirst(halves.get(0));
                } else {
                    done.add(o);
                }
            }
        }
        return done;
    }

    private static List<Long> offsets(List<CreateOutcome> outcomes, Class<? extends CreateOutcome> type) {
        return outcomes.stream()
                .filter(type::isInstance)
                .flatMap(o -> o.batch().items().stream())
                .map(i -> i.source().offset())
                .sorted()
                .toList();
    }

    private double bisectCalls() {
        return registry.find(BridgeMetric.SUBMITTER_BISECT_CALLS.metricName()).counters().stream()
                .mapToDouble(c -> c.count())
                .sum();
    }

    @Test
    void aWholeBatch400IsSplitInHalvesUntilTheRefusedRequestIsAloneAndEveryOtherIsCreated() {
        api.rejects = ids -> ids.contains(id(5));
        BatchCreator creator = creator(16);

        List<CreateOutcome> out = run(creator, batch(8));
        creator.close();

        assertThat(api.calls)
                .as("whole, first half, second half, its halves, until offset 5 is alone")
                .containsExactly(
                        List.of(id(0), id(1), id(2), id(3), id(4), id(5), id(6), id(7)),
                        List.of(id(0), id(1), id(2), id(3)),
                        List.of(id(4), id(5), id(6), id(7)),
                        List.of(id(4), id(5)),
                        List.of(id(4)),
                        List.of(id(5)),
                        List.of(id(6), id(7)));
        assertThat(offsets(out, CreateOutcome.Created.class)).containsExactly(0L, 1L, 2L, 3L, 4L, 6L, 7L);
        assertThat(out)
                .filteredOn(CreateOutcome.Rejected.class::isInstance)
                .singleElement()
                .satisfies(o -> assertThat(((CreateOutcome.Rejected) o).refused())
                        .singleElement()
                        .satisfies(r -> {
                            assertThat(r.item().source().offset()).isEqualTo(5);
                            assertThat(r.problem().reason()).isEqualTo(DeadLetterReason.REJECTED_BY_API);
                            assertThat(r.problem().message())
                                    .contains("rejected the request at batch creation")
                                    .contains("400 invalid_request_error");
                        }));
        assertThat(out).hasSize(4).noneMatch(o -> o instanceof CreateOutcome.Transient);
        assertThat(bisectCalls())
                .as("every call after the first is a bisection call")
                .isEqualTo(6);
    }

    @Test
    void whenTheSharedBudgetIsSpentTheRemainingSuspectsAreDeadLetteredWithoutACall() {
        api.rejects = ids -> ids.contains(id(5));
        BatchCreator creator = creator(2);

        List<CreateOutcome> out = run(creator, batch(8));
        creator.close();

        assertThat(api.calls)
                .as("the whole batch, then the two calls of the budget")
                .containsExactly(
                        List.of(id(0), id(1), id(2), id(3), id(4), id(5), id(6), id(7)),
                        List.of(id(0), id(1), id(2), id(3)),
                        List.of(id(4), id(5), id(6), id(7)));
        assertThat(offsets(out, CreateOutcome.Created.class)).containsExactly(0L, 1L, 2L, 3L);
        List<CreateOutcome.Refusal> refused = out.stream()
                .filter(CreateOutcome.Rejected.class::isInstance)
                .flatMap(o -> ((CreateOutcome.Rejected) o).refused().stream())
                .toList();
        assertThat(refused)
                .extracting(r -> r.item().source().offset())
                .as("the quarter not isolated: the refused request and its innocent neighbours")
                .containsExactly(4L, 5L, 6L, 7L);
        assertThat(refused).allSatisfy(r -> {
            assertThat(r.problem().reason()).isEqualTo(DeadLetterReason.REJECTED_BY_API);
            assertThat(r.problem().message()).contains("bisection budget of 2").contains("one of them is refused");
        });
        assertThat(bisectCalls()).isEqualTo(2);
    }

    @Test
    void aWholeBatch413IsSplitUntilItsPartsAreAccepted() {
        api.status = 413;
        api.rejects = ids -> ids.size() > 2;
        BatchCreator creator = creator(16);

        List<CreateOutcome> out = run(creator, batch(5));
        creator.close();

        assertThat(out).allSatisfy(o -> assertThat(o).isInstanceOf(CreateOutcome.Created.class));
        assertThat(out)
                .extracting(o -> o.batch().items().size())
                .as("5 → 2 + 3, 3 → 1 + 2")
                .containsExactly(2, 1, 2);
        assertThat(offsets(out, CreateOutcome.Created.class)).containsExactly(0L, 1L, 2L, 3L, 4L);
        assertThat(api.calls).hasSize(5);
    }

    /** A batch handed to a closed creator never runs, so it must not count as in flight (a drain would wait). */
    @Test
    void aBatchRefusedByAClosedCreatorIsNotCountedInFlight() {
        BatchCreator creator = creator(16);
        creator.close();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> creator.submit(batch(1)))
                .isInstanceOf(java.util.concurrent.RejectedExecutionException.class);
        assertThat(creator.inFlight()).isZero();
    }

    @Test
    void aSingleRequestRejectedAsAWholeIsDeadLetteredWithoutBisection() {
        api.rejects = ids -> true;
        BatchCreator creator = creator(16);

        List<CreateOutcome> out = creator.create(batch(1));
        creator.close();

        assertThat(out).singleElement().isInstanceOf(CreateOutcome.Rejected.class);
        assertThat(api.calls).hasSize(1);
        assertThat(bisectCalls()).isZero();
    }

    @Test
    void halvesKeepTheLaneTheArrivalAndTheOrderOfTheirRequests() {
        PendingBatch whole = batch(5);

        List<PendingBatch> halves = whole.halves(3, "400 invalid_request_error: x");

        assertThat(halves).hasSize(2).allSatisfy(h -> {
            assertThat(h.lane()).isEqualTo(whole.lane());
            assertThat(h.firstAt()).isEqualTo(whole.firstAt());
        });
        assertThat(halves.get(0).items())
                .containsExactlyElementsOf(whole.items().subList(0, 2));
        assertThat(halves.get(1).items())
                .containsExactlyElementsOf(whole.items().subList(2, 5));
        assertThat(halves.get(0).bisection()).isSameAs(halves.get(1).bisection());
        List<PendingBatch> quarters = halves.get(1).halves(99, "413 request_too_large: y");
        assertThat(quarters.get(0).bisection())
                .as("a half's halves share the first budget")
                .isSameAs(halves.get(0).bisection());
        assertThat(quarters.get(0).bisection().maxCalls()).isEqualTo(3);
        assertThat(quarters.get(0).bisection().lastAnswer()).isEqualTo("413 request_too_large: y");
    }

    @Test
    void aBudgetIsSpentOnceAcrossItsHalves() {
        Bisection b = new Bisection(2, "400");
        assertThat(b.tryCall()).isTrue();
        assertThat(b.tryCall()).isTrue();
        assertThat(b.tryCall()).isFalse();
        assertThat(b.tryCall()).isFalse();
        assertThat(b.spent()).isEqualTo(2);
        assertThat(b.maxCalls()).isEqualTo(2);
    }
}
