package io.batchbridge.submitter.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.batchbridge.client.ApiAccount;
import io.batchbridge.client.BatchesClient;
import io.batchbridge.client.ClientSettings;
import io.batchbridge.client.MessageBatch;
import io.batchbridge.client.Secret;
import io.batchbridge.common.metrics.BridgeMetric;
import io.batchbridge.common.records.Coordinates;
import io.batchbridge.common.records.DeadLetterReason;
import io.batchbridge.common.records.RequestEnvelope;
import io.batchbridge.common.topics.TopicNames;
import io.batchbridge.common.validation.ValidRequest;
import io.batchbridge.emulator.Emulator;
import io.batchbridge.emulator.Endpoint;
import io.batchbridge.emulator.Fault;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.IntStream;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Create-time failures against the emulator: attributed, bounded, and no batch bought twice. */
class BatchCreatorTest {
    private static final String TOPIC = "bridge.requests";

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final SubmitterMetrics metrics = new SubmitterMetrics(registry);
    private final Emulator emulator =
            Emulator.builder().timeScale(3600).seed(5).build().start();
    private final BatchesClient client = new BatchesClient(
            new ApiAccount("default", URI.create(emulator.baseUrl()), Secret.of("k"), Optional.empty(), 100_000),
            ClientSettings.from(Map.of(
                    "bridge.api.max.retries", "1",
                    "bridge.api.retry.initial.backoff.ms", "10",
                    "bridge.api.retry.max.backoff.ms", "20",
                    "bridge.api.breaker.minimum.calls", "100")),
            registry,
            Clock.systemUTC());
    private final OrphanBatches orphans = new OrphanBatches(a -> client, metrics, Duration.ofMinutes(10));
    private final OutcomeHandler handler = new OutcomeHandler(
            TopicNames.defaults(), 100, new TopicLimits(Map.of(), 1024 * 1024), Clock.systemUTC(), metrics);
    private final BatchCreator creator = new BatchCreator(
            a -> client,
            Clock.systemUTC(),
            new BatchCreator.Settings(Duration.ofSeconds(1), 1L << 30, 2, 3),
            handler::tickets,
            handler.ticketParts(),
            orphans,
            metrics);

    @AfterEach
    void tearDown() {
        creator.close();
        orphans.close();
        client.close();
        emulator.close();
    }

    static PendingBatch batch(int n, String... betas) {
        List<LaneItem> items = new ArrayList<>();
        for (int k = 0; k < n; k++) {
            String params = "{\"model\":\"claude-opus-4-6\",\"max_tokens\":10,"
                    + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
            RequestEnvelope e = new RequestEnvelope(
                    "user-" + k,
                    params.getBytes(StandardCharsets.UTF_8),
                    null,
                    List.of(betas),
                    null,
                    null,
                    1,
                    null,
                    null,
                    null);
            items.add(new LaneItem(
                    new ValidRequest(e, "default", new TreeSet<>(List.of(betas)), "claude-opus-4-6", 10, false),
                    new Coordinates(TOPIC, 0, k),
                    new byte[] {1}));
        }
        return new PendingBatch(new LaneKey("default", new TreeSet<>(List.of(betas))), items, Instant.now());
    }

    long createCalls() {
        return registry.find(BridgeMetric.API_CALLS.metricName()).tag("op", "create").timers().stream()
                .mapToLong(Timer::count)
                .sum();
    }

    double orphanCount(String outcome) {
        return registry
                .find(BridgeMetric.SUBMITTER_ORPHAN_BATCHES.metricName())
                .tag("outcome", outcome)
                .counters()
                .stream()
                .mapToDouble(Counter::count)
                .sum();
    }

    @Test
    void aBetaSetThatCannotBeAHeaderIsRefusedWithoutACall() {
        List<CreateOutcome> out = creator.create(batch(3, "a b"));

        assertThat(out).singleElement().isInstanceOf(CreateOutcome.Rejected.class);
        assertThat(((CreateOutcome.Rejected) out.get(0)).refused())
                .hasSize(3)
                .allSatisfy(r -> assertThat(r.problem().reason()).isEqualTo(DeadLetterReason.INVALID_BETA));
        assertThat(createCalls()).isZero();
    }

    @Test
    void aBetaTheApiRejectsRefusesTheWholeBatchInOneCall() {
        List<CreateOutcome> out = creator.create(batch(8, "made-up-2099-01-01"));

        assertThat(out).singleElement().isInstanceOf(CreateOutcome.Rejected.class);
        assertThat(((CreateOutcome.Rejected) out.get(0)).refused()).hasSize(8).allSatisfy(r -> {
            assertThat(r.problem().reason()).isEqualTo(DeadLetterReason.BETA_REJECTED_BY_API);
            assertThat(r.problem().message()).contains("anthropic-beta");
        });
        assertThat(createCalls()).isEqualTo(1);

        List<CreateOutcome> next = creator.create(batch(2, "made-up-2099-01-01"));
        assertThat(next).singleElement().isInstanceOf(CreateOutcome.Rejected.class);
        assertThat(((CreateOutcome.Rejected) next.get(0)).refused())
                .hasSize(2)
                .allSatisfy(r -> assertThat(r.problem().message()).contains("not tried again before"));
        assertThat(createCalls())
                .as("the beta set is rejected once, not per batch")
                .isEqualTo(1);
        creator.create(batch(1, "interleaved-thinking-2025-05-14"));
        assertThat(createCalls()).as("another beta set is tried").isEqualTo(2);
    }

    @Test
    void halvesOfARejectedBatchSpendOneSharedBudgetThenAreRefusedWithoutACall() {
        emulator.faults()
                .script(
                        Endpoint.CREATE,
                        IntStream.range(0, 10).mapToObj(i -> Fault.status(400)).toArray(Fault[]::new));
        List<PendingBatch> queue = new ArrayList<>(List.of(batch(8)));
        List<CreateOutcome.Refusal> refused = new ArrayList<>();
        while (!queue.isEmpty()) {
            for (CreateOutcome o : creator.create(queue.remove(0))) {
                if (o instanceof CreateOutcome.Bisect b) {
                    queue.addAll(b.batch().halves(creator.bisectMaxCalls(), b.message()));
                } else {
                    refused.addAll(((CreateOutcome.Rejected) o).refused());
                }
            }
        }

        assertThat(createCalls()).isEqualTo(1 + 3);
        assertThat(registry.find(BridgeMetric.SUBMITTER_BISECT_CALLS.metricName())
                        .counter()
                        .count())
                .isEqualTo(3);
        assertThat(refused)
                .hasSize(8)
                .allSatisfy(r -> assertThat(r.problem().reason()).isEqualTo(DeadLetterReason.REJECTED_BY_API));
        assertThat(refused).anySatisfy(r -> assertThat(r.problem().message()).contains("budget of 3"));
    }

    @Test
    void aHeldOrphanIsReusedByTheSameRequestsInsteadOfACreate() {
        PendingBatch b = batch(2);
        io.batchbridge.client.CreateBody.Builder body = io.batchbridge.client.CreateBody.inMemory();
        body.addParsed("s0-p0-o0", b.items().get(0).request().envelope().params());
        MessageBatch existing = client.create(body.build(), List.of());
        long before = createCalls();
        orphans.hold(orphan(b, existing), "test: the ticket transaction aborted");

        List<CreateOutcome> out = creator.create(b);

        assertThat(out).singleElement().isInstanceOf(CreateOutcome.Created.class);
        assertThat(((CreateOutcome.Created) out.get(0)).created().id()).isEqualTo(existing.id());
        assertThat(createCalls()).isEqualTo(before);
        assertThat(orphanCount("reused")).isEqualTo(1);
        assertThat(orphans.heldCount()).isZero();
    }

    private static OrphanBatches.Orphan orphan(PendingBatch b, MessageBatch created) {
        return new OrphanBatches.Orphan(
                b.lane(), created, b.items().stream().map(LaneItem::source).toList(), List.of(TOPIC), null);
    }

    @Test
    void aHeldOrphanIsClaimedByALargerCutHoldingAllItsRequestsAndOnlyTheRestIsCreated() {
        PendingBatch all = batch(3);
        PendingBatch first = all.with(all.items().subList(0, 1));
        io.batchbridge.client.CreateBody.Builder body = io.batchbridge.client.CreateBody.inMemory();
        body.addParsed("s0-p0-o0", first.items().get(0).request().envelope().params());
        MessageBatch existing = client.create(body.build(), List.of());
        long before = createCalls();
        orphans.adopt(orphan(first, existing), "test: found after a restart");

        List<CreateOutcome> out = creator.create(all);

        assertThat(out).hasSize(2).allSatisfy(o -> assertThat(o).isInstanceOf(CreateOutcome.Created.class));
        CreateOutcome.Created adopted = (CreateOutcome.Created) out.get(0);
        CreateOutcome.Created created = (CreateOutcome.Created) out.get(1);
        assertThat(adopted.created().id()).isEqualTo(existing.id());
        assertThat(adopted.batch().items()).containsExactlyElementsOf(first.items());
        assertThat(created.batch().items())
                .containsExactlyElementsOf(all.items().subList(1, 3));
        assertThat(createCalls())
                .as("one create, for the two requests not in the held batch")
                .isEqualTo(before + 1);
        assertThat(orphanCount("adopted")).isEqualTo(1);
    }

    /**
     * The thawed zombie of the production-topology chaos: a batch created while the consumer was frozen, its outcome
     * queued, then the consumer learns it was expelled (partitions lost) before the poll thread takes the outcome.
     * It must become an orphan, not a ticket the partitions' new owner would duplicate.
     */
    @Test
    void aCreatedOutcomeStillQueuedWhenItsPartitionsAreLostIsAbandoned() throws Exception {
        creator.submit(batch(2));
        assertThat(creator.awaitIdle(Duration.ofSeconds(30))).isTrue(); // reported, not yet taken

        creator.lost(Set.of(new TopicPartition(TOPIC, 0)));
        List<CreateOutcome> out = creator.drain();

        assertThat(out).singleElement().isInstanceOf(CreateOutcome.Abandoned.class);
        assertThat(orphans.heldCount()).isEqualTo(1);
        // the batch exists: the spend guard keeps its reservation counted under its id, not released
        assertThat(((CreateOutcome.Abandoned) out.get(0)).batchId())
                .isEqualTo(client.listAll().get(0).id());
    }

    @Test
    void aCreateReturningAfterItsPartitionWasRevokedIsAbandonedAndItsBatchCancelled() throws Exception {
        emulator.faults().script(Endpoint.CREATE, Fault.slow(Duration.ofSeconds(2)));
        creator.submit(batch(2));
        await().atMost(Duration.ofSeconds(10)).until(() -> emulator.faults().injectedCount() >= 1);

        creator.revoked(Set.of(new TopicPartition(TOPIC, 0)));
        assertThat(creator.awaitIdle(Duration.ofSeconds(30))).isTrue();
        List<CreateOutcome> out = creator.drain();

        assertThat(out).singleElement().isInstanceOf(CreateOutcome.Abandoned.class);
        assertThat(orphans.heldCount()).isEqualTo(1);
        orphans.close(); // nobody reused it: cancelled at the API
        assertThat(orphanCount("cancelled")).isEqualTo(1);
        assertThat(client.listAll())
                .singleElement()
                .satisfies(m -> assertThat(m.processingStatus()).isIn(MessageBatch.CANCELING, MessageBatch.ENDED));
    }
}
