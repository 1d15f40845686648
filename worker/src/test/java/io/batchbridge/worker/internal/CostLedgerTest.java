package io.batchbridge.worker.internal;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.batchbridge.client.ResultLine;
import io.batchbridge.client.ResultType;
import io.batchbridge.client.Usage;
import io.batchbridge.common.config.Tenants;
import io.batchbridge.common.json.Json;
import io.batchbridge.common.model.Cost;
import io.batchbridge.common.model.ModelCatalogue;
import io.batchbridge.common.records.Coordinates;
import io.batchbridge.common.records.Ticket;
import io.batchbridge.common.records.TicketItem;
import io.batchbridge.common.topics.TopicNames;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/**
 * Issue #23, the exact cost ledger in the worker: the result record carries each result's cost in micro-dollars
 * by kind, the cost metrics are derived from those integers by kind and tenant, and the tenant is the configured
 * one of the request's first topic, never something the record says.
 */
class CostLedgerTest {
    private static final Instant NOW = Instant.parse("2026-12-01T10:00:00Z");
    private static final String MODEL = "claude-sonnet-4-6";
    private final ModelCatalogue catalogue = ModelCatalogue.defaults();
    private final OutcomeRecords records = new OutcomeRecords(
            TopicNames.defaults(),
            catalogue,
            Clock.fixed(NOW, ZoneOffset.UTC),
            Tenants.of(List.of("orders:acme", "reports:globex")));
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final WorkerMetrics metrics = new WorkerMetrics(registry);

    /** A batch of one item first published to {@code originTopic}, now read from {@code sourceTopic}. */
    private static OpenBatch batch(String originTopic, String sourceTopic) {
        TicketItem item = new TicketItem(
                TicketItem.batchCustomId(0, 0, 7),
                "order-1",
                null,
                1,
                "{\"tenant\":\"globex\"}".getBytes(UTF_8), // a producer's claim: metadata, never the tenant
                new Coordinates(originTopic, 0, 3),
                3);
        OpenBatch b = new OpenBatch("msgbatch_1", new TopicPartition("bridge.batches", 0), 1, NOW);
        Ticket t = new Ticket(
                "msgbatch_1",
                "default",
                List.of(),
                NOW,
                NOW.plus(Duration.ofDays(1)),
                1,
                0,
                1,
                List.of(sourceTopic),
                List.of(item));
        b.addPart(t, 0);
        b.load(List.of(t));
        return b;
    }

    private static ResultLine line(Usage u) {
        return new ResultLine(
                "s0-p0-o7", ResultType.SUCCEEDED, null, null, MODEL, "end_turn", u, "{\"id\":\"m\"}".getBytes(UTF_8));
    }

    private double counter(String name, String... tags) {
        Counter c = registry.find(name).tags(tags).counter();
        return c == null ? 0 : c.count();
    }

    @Test
    void theResultRecordCarriesTheExactCostByKind() throws Exception {
        // 10k input, 2k output, 3k 5-minute and 4k 1-hour writes, 50k cache reads
        ResultLine line = line(new Usage(10_000, 2_000, 7_000, 3_000, 4_000, 50_000));
        JsonNode n = Json.MAPPER.readTree(
                records.result(batch("orders", "orders"), 0, line).value());

        JsonNode cost = n.path("cost");
        // sonnet: $1.50 in, $7.50 out, 1.25x / 2x writes, 0.1x reads per million tokens
        assertThat(cost.path("input_micro_usd").asLong()).isEqualTo(15_000);
        assertThat(cost.path("output_micro_usd").asLong()).isEqualTo(15_000);
        assertThat(cost.path("cache_write_5m_micro_usd").asLong()).isEqualTo(5_625);
        assertThat(cost.path("cache_write_1h_micro_usd").asLong()).isEqualTo(12_000);
        assertThat(cost.path("cache_read_micro_usd").asLong()).isEqualTo(7_500);
        assertThat(cost.path("total_micro_usd").asLong()).isEqualTo(55_125);
        assertThat(cost.path("standard_micro_usd").asLong()).isEqualTo(110_250);
        // no caching: 67k input tokens at $1.50 plus the output
        assertThat(cost.path("no_cache_micro_usd").asLong()).isEqualTo(100_500 + 15_000);
        // the older field is the same figure in USD, written exactly
        assertThat(n.path("cost_usd").decimalValue()).isEqualByComparingTo("0.055125");
    }

    @Test
    void anUnknownModelHasNoCostObjectAndCostUsdZero() throws Exception {
        ResultLine line = new ResultLine(
                "s0-p0-o7",
                ResultType.SUCCEEDED,
                null,
                null,
                "claude-unknown-9",
                "end_turn",
                new Usage(10, 10, 0, 0, 0, 0),
                "{}".getBytes(UTF_8));
        JsonNode n = Json.MAPPER.readTree(
                records.result(batch("orders", "orders"), 0, line).value());
        assertThat(n.has("cost")).isFalse();
        assertThat(n.path("cost_usd").asDouble()).isZero();
    }

    @Test
    void theTenantIsTheConfiguredOneOfTheFirstTopicNeverTheRecords() {
        assertThat(records.tenant(batch("orders", "orders"), 0)).isEqualTo("acme");
        // a retry read from the retry topic keeps the tenant of the topic it was first published to
        assertThat(records.tenant(batch("reports", "bridge.retry"), 0)).isEqualTo("globex");
        // a topic with no configured tenant is "default", whatever its metadata says
        assertThat(records.tenant(batch("misc", "misc"), 0)).isEqualTo(Tenants.DEFAULT);
    }

    @Test
    void theMetricsAreTheLedgersIntegersByKindPricingAndTenant() {
        Cost reads = catalogue
                .find(MODEL)
                .orElseThrow()
                .prices()
                .cost(new Usage(10_000, 2_000, 0, 0, 0, 50_000).toTokenUsage());
        Cost unreadWrite =
                catalogue.find(MODEL).orElseThrow().prices().cost(new Usage(100, 100, 0, 0, 40_000, 0).toTokenUsage());
        metrics.usage(MODEL, "default", "acme", new Usage(10_000, 2_000, 0, 0, 0, 50_000).toTokenUsage(), reads);
        metrics.usage(MODEL, "default", "acme", new Usage(100, 100, 0, 0, 40_000, 0).toTokenUsage(), unreadWrite);
        metrics.usage(MODEL, "default", "globex", new Usage(10_000, 2_000, 0, 0, 0, 50_000).toTokenUsage(), reads);

        Cost acme = reads.plus(unreadWrite);
        assertThat(metrics.ledger().tenant("acme")).isEqualTo(acme);
        assertThat(metrics.ledger().total()).isEqualTo(acme.plus(reads));
        assertThat(counter("bridge.cost.usd", "tenant", "acme", "pricing", "batch", "kind", "cache_read"))
                .isEqualTo(Cost.usd(reads.batch().cacheRead()));
        assertThat(counter("bridge.cost.usd", "tenant", "acme", "pricing", "batch", "kind", "cache_write_1h"))
                .isEqualTo(Cost.usd(unreadWrite.batch().cacheWrite1h()));
        assertThat(counter("bridge.cost.usd", "tenant", "acme", "pricing", "batch", "kind", "input"))
                .isCloseTo(Cost.usd(acme.batch().input()), org.assertj.core.data.Offset.offset(1e-12));
        assertThat(counter("bridge.cost.usd", "tenant", "globex", "pricing", "standard", "kind", "output"))
                .isEqualTo(Cost.usd(reads.standard().output()));
        assertThat(counter("bridge.cost.savings.usd", "tenant", "globex", "vs", "standard"))
                .isEqualTo(Cost.usd(reads.savingsVsStandardMicros()));
        // caching saved on the reads and cost extra on the write nobody read: the two counters net to the exact
        // difference of the no-cache and batch figures
        assertThat(counter("bridge.cost.savings.usd", "tenant", "acme", "vs", "no_cache"))
                .isEqualTo(Cost.usd(reads.savingsVsNoCacheMicros()));
        assertThat(counter("bridge.cost.cache.extra.usd", "tenant", "acme"))
                .isEqualTo(Cost.usd(-unreadWrite.savingsVsNoCacheMicros()));
        assertThat(unreadWrite.savingsVsNoCacheMicros()).isNegative();
        // only configured tenants appear as tag values
        assertThat(registry.find("bridge.cost.usd").counters().stream()
                        .map(c -> c.getId().getTag("tenant"))
                        .distinct())
                .containsExactlyInAnyOrder("acme", "globex");
    }

    @Test
    void aModelTheCatalogueDoesNotKnowCountsTokensButNoCost() {
        metrics.usage("claude-unknown-9", "default", "acme", new Usage(5, 5, 0, 0, 0, 0).toTokenUsage(), null);
        assertThat(counter("bridge.tokens", "model", "claude-unknown-9", "kind", "input"))
                .isEqualTo(5);
        assertThat(registry.find("bridge.cost.usd").counters()).isEmpty();
        assertThat(metrics.ledger().total()).isEqualTo(Cost.ZERO);
    }
}
