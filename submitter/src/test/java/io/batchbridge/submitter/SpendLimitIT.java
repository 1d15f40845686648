package io.batchbridge.submitter;

import static io.batchbridge.submitter.SubmitterHarness.params;
import static io.batchbridge.submitter.SubmitterHarness.request;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.batchbridge.common.config.CommonKeys;
import io.batchbridge.common.model.ModelCatalogue;
import io.batchbridge.common.model.PriceRates;
import io.batchbridge.common.model.SpendEntry;
import io.batchbridge.common.records.Ticket;
import io.batchbridge.kafka.embedded.KafkaCluster;
import io.batchbridge.kafka.embedded.KafkaClusterExtension;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Issue #23: one spend limit for the whole deployment. Two submitters (one partition each) share one daily limit
 * through the spend ledger: together they reserve at most the limit plus the documented overshoot (one batch of
 * the other instance), not twice the limit; once a worker reports the batches' actual cost (written here as a
 * worker writes it), the worst cases stop counting and more batches are created.
 */
@ExtendWith(KafkaClusterExtension.class)
@Timeout(180)
class SpendLimitIT {
    static final String MODEL = "claude-haiku-4-5";
    static final long MAX_TOKENS = 1000;
    static final int FIT = 4;
    SubmitterHarness h;

    @BeforeEach
    void setUp(KafkaCluster cluster) {
        h = new SubmitterHarness(cluster, 2);
    }

    @AfterEach
    void tearDown() {
        h.close();
    }

    @Test
    void twoSubmittersSpendOneLimitNotTwoAndCreateMoreOnceTheWorkerReportsActualCosts() {
        String params = params(MODEL, MAX_TOKENS, "hello");
        long estimate = estimateMicros(params);
        double limitUsd = (FIT * estimate + estimate / 2) / 1e6; // four one-request batches fit, a fifth does not
        Map<String, String> common = Map.of(
                SubmitterConfig.MAX_BATCH_REQUESTS, "1",
                SubmitterConfig.LINGER_MS, "50",
                SubmitterConfig.SPEND_LIMIT_USD_PER_DAY, String.valueOf(limitUsd));
        SubmitterApp a = h.start(with(common, SubmitterConfig.INSTANCE_ID, "spend-a-" + UUID.randomUUID()));
        SubmitterApp b = h.start(with(common, SubmitterConfig.INSTANCE_ID, "spend-b-" + UUID.randomUUID()));
        String topic = h.names.requests().get(0);
        int[] perPartition = new int[2];
        for (int i = 0; i < 30; i++) {
            var md = h.publish(topic, "k" + i, request("r" + i, params, "").getBytes(UTF_8), new RecordHeaders());
            perPartition[md.partition()]++;
        }
        assertThat(Math.min(perPartition[0], perPartition[1])).isGreaterThan(FIT); // each alone could fill it

        await().atMost(Duration.ofSeconds(60))
                .until(() -> h.tickets().size() >= FIT && a.spendGuardEngaged()
                        || h.tickets().size() >= FIT && b.spendGuardEngaged());
        // the per-instance guard created FIT batches on each instance (2 x FIT); the shared ledger at most FIT + 1
        await().during(Duration.ofSeconds(3))
                .atMost(Duration.ofSeconds(10))
                .until(() -> h.tickets().size() <= FIT + 1);
        assertThat(reservedMicros()).isLessThanOrEqualTo((long) (limitUsd * 1e6) + estimate);

        // a worker prices each batch (1 micro-dollar) and reports it: the guard counts that instead of the worst case
        Set<String> priced = h.tickets().stream().map(Ticket::batchId).collect(Collectors.toSet());
        priced.forEach(id -> h.publish(
                h.names.spend(),
                SpendEntry.batchKey(id),
                SpendEntry.actual(id, 1).toJson(),
                new RecordHeaders()));
        await().atMost(Duration.ofSeconds(60)).until(() -> h.tickets().size() >= priced.size() + FIT - 1);
        long unpricedMicros = reservedMicros() - priced.size();
        assertThat(unpricedMicros).isLessThanOrEqualTo((long) (limitUsd * 1e6) + estimate);
    }

    /**
     * A tenant over its own daily limit waits (its topic pauses) while another tenant's requests all go on; the
     * tenant is its topic's (bridge.topic.tenants), whatever a record says.
     */
    @Test
    void aTenantOverItsLimitWaitsWhileAnotherTenantGoesOn() throws Exception {
        String params = params(MODEL, MAX_TOKENS, "hello");
        long estimate = estimateMicros(params);
        String topicA = h.names.requests().get(0);
        String topicB = secondTopic(topicA);
        SubmitterApp app = h.start(twoTenants(topicA, topicB, estimate, Map.of()));
        for (int i = 0; i < 8; i++) {
            // a record naming another tenant changes nothing: the tenant is configuration
            h.publish(topicA, "k" + i, request("a" + i, params, ",\"tenant\":\"team-b\""));
            h.publish(topicB, "k" + i, request("b" + i, params, ""));
        }
        await().atMost(Duration.ofSeconds(60))
                .until(() -> h.ticketedCustomIds().stream()
                                .filter(id -> id.startsWith("b"))
                                .count()
                        == 8);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> h.registry
                                .get("bridge.submitter.spend.tenant.engaged")
                                .tag("tenant", "team-a")
                                .gauge()
                                .value()
                        == 1);
        await().during(Duration.ofSeconds(2))
                .atMost(Duration.ofSeconds(5))
                .until(() -> h.ticketedCustomIds().stream()
                                .filter(id -> id.startsWith("a"))
                                .count()
                        == 2);
        assertThat(app.spendGuardEngaged()).isFalse(); // no deployment-wide limit: only team-a waits
        assertThat(h.registry
                        .get("bridge.submitter.spend.reserved.usd")
                        .tag("tenant", "team-b")
                        .gauge()
                        .value())
                .isEqualTo(8 * estimate / 1e6, org.assertj.core.data.Offset.offset(1e-9));
    }

    /**
     * A tenant over its limit does not hold the retry partitions every tenant shares: its retries go back to the
     * retry topic (due later) and their offsets complete, so the other tenant's retries are handed off and the
     * committed offsets move past all of them (before, the held tenant's retries kept the committed offset at the
     * first of them and every other offset travelled in the commit metadata until the broker refused it).
     */
    @Test
    void aTenantOverItsLimitDoesNotHoldTheSharedRetryPartitions() throws Exception {
        String params = params(MODEL, MAX_TOKENS, "hello");
        long estimate = estimateMicros(params);
        String topicA = h.names.requests().get(0);
        String topicB = secondTopic(topicA);
        SubmitterApp app = h.start(twoTenants(topicA, topicB, estimate, Map.of()));
        Map<Integer, Long> ends = new java.util.HashMap<>();
        for (int i = 0; i < 8; i++) {
            for (String t : List.of(topicA, topicB)) {
                String id = (t.equals(topicA) ? "a" : "b") + i;
                var origin = new io.batchbridge.common.records.Coordinates(t, 0, i);
                var retry = new io.batchbridge.common.records.RequestEnvelope(
                        id, params.getBytes(UTF_8), null, List.of(), null, null, 2, null, origin, "overloaded_error");
                RecordHeaders headers = new RecordHeaders();
                io.batchbridge.common.records.BridgeHeaders.putOrigin(headers, origin);
                var md = h.publish(
                        h.names.retry(), id, io.batchbridge.common.records.EnvelopeCodec.write(retry), headers);
                ends.merge(md.partition(), md.offset() + 1, Math::max);
            }
        }
        await().atMost(Duration.ofSeconds(60))
                .until(() -> h.ticketedCustomIds().stream()
                                .filter(id -> id.startsWith("b"))
                                .count()
                        == 8);
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", h.cluster.bootstrapServers()))) {
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                var committed = admin.listConsumerGroupOffsets(h.config.get(SubmitterConfig.GROUP_ID))
                        .partitionsToOffsetAndMetadata()
                        .get();
                ends.forEach((partition, end) -> {
                    var c = committed.get(new org.apache.kafka.common.TopicPartition(h.names.retry(), partition));
                    assertThat(c).isNotNull();
                    assertThat(c.offset()).isGreaterThanOrEqualTo(end); // past every original retry
                    assertThat(c.metadata()).isEmpty();
                });
            });
        }
        await().atMost(Duration.ofSeconds(30))
                .until(() -> h.registry
                                .get("bridge.submitter.spend.retries.deferred")
                                .tag("tenant", "team-a")
                                .counter()
                                .count()
                        == 6);
        assertThat(h.ticketedCustomIds().stream().filter(id -> id.startsWith("a")))
                .hasSize(2);
        List<ConsumerRecord<byte[], byte[]>> deferred = h.readAll(h.names.retry()).stream()
                .filter(r -> ends.get(r.partition()) <= r.offset())
                .toList();
        assertThat(deferred).hasSize(6).allSatisfy(r -> {
            var e = io.batchbridge.common.records.EnvelopeCodec.parse(r.value()).envelope();
            assertThat(e.customId()).startsWith("a");
            assertThat(e.attempt()).isEqualTo(2);
            assertThat(e.notBefore()).isAfter(java.time.Instant.now().plusSeconds(60));
        });
        assertThat(app.spendGuardEngaged()).isFalse();
    }

    /**
     * A held tenant's waiting requests do not take the buffer from the others: tenant A fills more than
     * bridge.submitter.max.buffered.bytes with requests its limit holds; tenant B's requests still all go through
     * (before, the full buffer paused every topic until A's limit cleared, at the next UTC day).
     */
    @Test
    void aHeldTenantsPileDoesNotPauseTheOtherTenants() throws Exception {
        String big = params(MODEL, MAX_TOKENS, "x".repeat(100_000));
        long estimate = estimateMicros(big);
        String topicA = h.names.requests().get(0);
        String topicB = secondTopic(topicA);
        h.start(twoTenants(
                topicA, topicB, estimate, Map.of(SubmitterConfig.MAX_BUFFERED_BYTES, String.valueOf(1024 * 1024))));
        for (int i = 0; i < 16; i++) { // 1.6 MB: more than the buffer
            h.publish(topicA, "k" + i, request("a" + i, big, ""));
        }
        await().atMost(Duration.ofSeconds(60))
                .until(() -> h.registry
                                .get("bridge.submitter.spend.tenant.engaged")
                                .tag("tenant", "team-a")
                                .gauge()
                                .value()
                        == 1);
        for (int i = 0; i < 8; i++) {
            h.publish(topicB, "k" + i, request("b" + i, params(MODEL, MAX_TOKENS, "hello"), ""));
        }
        await().atMost(Duration.ofSeconds(60))
                .until(() -> h.ticketedCustomIds().stream()
                                .filter(id -> id.startsWith("b"))
                                .count()
                        == 8);
        assertThat(h.ticketedCustomIds().stream().filter(id -> id.startsWith("a")))
                .hasSize(2);
    }

    /** The day's counted spend in the ledger: released 0, priced batches their actual, the rest their worst case. */
    private long reservedMicros() {
        Map<String, SpendEntry> latest = new java.util.HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : h.readAll(h.names.spend())) {
            latest.put(new String(r.key(), UTF_8), SpendEntry.fromJson(r.value()));
        }
        long sum = 0;
        for (var e : latest.entrySet()) {
            SpendEntry s = e.getValue();
            if (!e.getKey().startsWith(SpendEntry.RESERVATION_PREFIX) || s.state() == SpendEntry.State.RELEASED) {
                continue;
            }
            SpendEntry actual = s.batchId() == null ? null : latest.get(SpendEntry.batchKey(s.batchId()));
            sum += actual == null ? s.micros() : actual.micros();
        }
        return sum;
    }

    private static long estimateMicros(String params) {
        PriceRates r =
                ModelCatalogue.defaults().find(MODEL).orElseThrow().prices().rates();
        return PriceRates.micros(params.getBytes(UTF_8).length / 4, r.input())
                + PriceRates.micros(MAX_TOKENS, r.output());
    }

    private static Map<String, String> with(Map<String, String> base, String key, String value) {
        Map<String, String> m = new java.util.HashMap<>(base);
        m.put(key, value);
        return m;
    }

    /** Creates tenant B's request topic beside tenant A's. */
    private String secondTopic(String topicA) throws Exception {
        String topicB = topicA + "-b";
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", h.cluster.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(topicB, 1, (short) 1)))
                    .all()
                    .get();
        }
        return topicB;
    }

    /** Two request topics of two tenants, team-a limited to two and a half batches of {@code estimate} a day. */
    private static Map<String, String> twoTenants(
            String topicA, String topicB, long estimate, Map<String, String> more) {
        Map<String, String> c = new java.util.HashMap<>(Map.of(
                CommonKeys.TOPIC_REQUESTS, topicA + "," + topicB,
                CommonKeys.TOPIC_TENANTS, topicA + ":team-a," + topicB + ":team-b",
                SubmitterConfig.SPEND_LIMIT_USD_PER_DAY_PER_TENANT, "team-a:" + (2 * estimate + estimate / 2) / 1e6,
                SubmitterConfig.MAX_BATCH_REQUESTS, "1",
                SubmitterConfig.LINGER_MS, "50"));
        c.putAll(more);
        return c;
    }
}
