package io.batchbridge.submitter;

import static io.batchbridge.submitter.SubmitterHarness.params;
import static io.batchbridge.submitter.SubmitterHarness.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.batchbridge.common.lifecycle.RoleState;
import io.batchbridge.common.metrics.BridgeMetric;
import io.batchbridge.common.records.BridgeHeaders;
import io.batchbridge.common.records.Ticket;
import io.batchbridge.emulator.Endpoint;
import io.batchbridge.emulator.Fault;
import io.batchbridge.kafka.embedded.KafkaCluster;
import io.batchbridge.kafka.embedded.KafkaClusterExtension;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The create-and-commit half of poison-proofing (#17): records derived from a request (tickets, dead letters)
 * always fit their topic, create-time failures are attributed, bisection is bounded, and a batch the API
 * accepted is never bought twice for the same requests: API creates = batches with tickets + counted orphans.
 */
@ExtendWith(KafkaClusterExtension.class)
@Timeout(240)
class CreateAndCommitIT {
    static final String OPUS = "claude-opus-4-6";
    static final Duration SETTLE = Duration.ofSeconds(60);
    SubmitterHarness h;

    @BeforeEach
    void setUp(KafkaCluster cluster) {
        h = new SubmitterHarness(cluster, 1);
    }

    @AfterEach
    void tearDown() {
        h.close();
    }

    String requests() {
        return h.names.requests().get(0);
    }

    /** Report 1: a ticket over the batches topic's limit made the submitter rewind and buy the batch again. */
    @Test
    void ticketsAreSplitByBytesAndAnEntryThatFitsNoTicketIsDeadLetteredBeforeCreate() {
        setMaxMessageBytes(h.names.batches(), 600_000);
        SubmitterApp app = h.start(Map.of(
                SubmitterConfig.MAX_METADATA_BYTES, String.valueOf(1024 * 1024),
                SubmitterConfig.MAX_BATCH_REQUESTS, "7",
                SubmitterConfig.LINGER_MS, "10000"));
        Random random = new Random(17);
        List<String> good = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            good.add("meta-" + i);
            h.publish(requests(), "k", withMetadata("meta-" + i, 200_000, random));
        }
        h.publish(requests(), "k", withMetadata("huge-meta", 700_000, random));

        await().atMost(SETTLE)
                .until(() -> h.ticketedCustomIds().size() >= 6
                        && !h.readAll(h.names.dlq()).isEmpty());

        assertThat(h.ticketedCustomIds()).containsExactlyInAnyOrderElementsOf(good);
        List<ConsumerRecord<byte[], byte[]>> dlq = h.readAll(h.names.dlq());
        assertThat(dlq).hasSize(1);
        assertThat(header(dlq.get(0), BridgeHeaders.ERROR_REASON)).isEqualTo("record_too_large");
        assertThat(header(dlq.get(0), BridgeHeaders.CUSTOM_ID)).isEqualTo("huge-meta");
        List<Ticket> tickets = h.tickets();
        assertThat(tickets)
                .hasSizeGreaterThan(1)
                .allSatisfy(t -> assertThat(t.parts()).isEqualTo(tickets.size()));
        assertThat(h.readAll(h.names.batches()))
                .allSatisfy(r -> assertThat(r.serializedValueSize()).isLessThanOrEqualTo(600_000));
        assertOneApiBatchPerTicketedBatchPlusOrphans();
        assertThat(h.client.listAll()).hasSize(1);
        assertThat(app.state()).isEqualTo(RoleState.RUNNING);
    }

    /** Report 2: a dead letter larger than the DLQ accepts stalled the partition behind it. */
    @Test
    void aDeadLetterWhoseValueCannotFitIsWrittenWithoutItAndOneThatFitsKeepsIt() {
        SubmitterApp app = h.start();
        Random random = new Random(7);
        // unknown_model echoes the model: 7 MiB of it used to double the dead letter past the 8 MiB limit
        String fits = request("fits", params(alnum(7 * 1024 * 1024, random), 10, "x"), "");
        // just under bridge.submitter.max.record.bytes (8 MiB): valid size, but no room left for the headers
        int overhead = request("over", params("", 10, "x"), "").length();
        String over = request("over", params(alnum(8 * 1024 * 1024 - 100 - overhead, random), 10, "x"), "");
        assertThat(over.length()).isEqualTo(8 * 1024 * 1024 - 100);
        h.publish(requests(), "a", fits);
        h.publish(requests(), "b", over);
        h.publish(requests(), "c", request("after", params(OPUS, 10, "ok"), ""));

        await().atMost(SETTLE).until(() -> h.readAll(h.names.dlq()).size() >= 2);
        await().atMost(SETTLE).until(() -> h.ticketedCustomIds().contains("after"));

        List<ConsumerRecord<byte[], byte[]>> dlq = h.readAll(h.names.dlq());
        assertThat(dlq).hasSize(2);
        ConsumerRecord<byte[], byte[]> withValue = dlq.get(0);
        assertThat(header(withValue, BridgeHeaders.CUSTOM_ID)).isEqualTo("fits");
        assertThat(withValue.value()).isEqualTo(fits.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertThat(header(withValue, BridgeHeaders.ERROR_REASON)).isEqualTo("unknown_model");
        assertThat(header(withValue, BridgeHeaders.ERROR_MESSAGE)).hasSizeLessThan(2048);
        ConsumerRecord<byte[], byte[]> withoutValue = dlq.get(1);
        assertThat(header(withoutValue, BridgeHeaders.CUSTOM_ID)).isEqualTo("over");
        assertThat(header(withoutValue, BridgeHeaders.ERROR_REASON)).isEqualTo("unknown_model");
        assertThat(header(withoutValue, BridgeHeaders.ORIGINAL_OFFSET)).isEqualTo("1");
        assertThat(withoutValue.value()).isNull();
        assertThat(header(withoutValue, BridgeHeaders.ERROR_MESSAGE)).contains("not included");
        assertThat(dlq)
                .allSatisfy(r ->
                        r.headers().forEach(x -> assertThat(x.value().length).isLessThan(2048)));
        assertThat(app.state()).isEqualTo(RoleState.RUNNING);
    }

    /** Report 3 (first half): a beta that cannot be sent as a header was retried as outcome-unknown forever. */
    @Test
    void aBetaThatCannotBeSentIsDeadLetteredNotRetriedForever() {
        SubmitterApp app = h.start();
        h.publish(requests(), "a", request("space-1", params(OPUS, 10, "x"), ",\"betas\":[\"a b\"]"));
        h.publish(requests(), "b", request("space-2", params(OPUS, 10, "x"), ",\"betas\":[\"a b\"]"));
        h.publish(requests(), "c", request("plain", params(OPUS, 10, "x"), ""));

        await().atMost(SETTLE)
                .until(() -> h.readAll(h.names.dlq()).size() >= 2
                        && h.ticketedCustomIds().contains("plain"));

        List<ConsumerRecord<byte[], byte[]>> dlq = h.readAll(h.names.dlq());
        assertThat(dlq).hasSize(2);
        assertThat(dlq)
                .allSatisfy(
                        r -> assertThat(header(r, BridgeHeaders.ERROR_REASON)).isEqualTo("invalid_beta"));
        assertThat(failures("outcome_unknown")).isZero();
        assertThat(createCalls()).isEqualTo(1);
        assertOneApiBatchPerTicketedBatchPlusOrphans();
        await().atMost(Duration.ofSeconds(10)).until(() -> !app.intakePaused());
    }

    /** Report 3 (second half): a lane of 16 requests with an unknown beta cost 31 create calls. */
    @Test
    void aBetaTheApiRejectsCostsOneCallForTheWholeLane() {
        h.start(Map.of(SubmitterConfig.MAX_BATCH_REQUESTS, "16", SubmitterConfig.LINGER_MS, "20000"));
        for (int i = 0; i < 16; i++) {
            h.publish(
                    requests(), "k", request("ub-" + i, params(OPUS, 10, "x"), ",\"betas\":[\"made-up-2099-01-01\"]"));
        }

        await().atMost(SETTLE).until(() -> h.readAll(h.names.dlq()).size() >= 16);

        List<ConsumerRecord<byte[], byte[]>> dlq = h.readAll(h.names.dlq());
        assertThat(dlq).hasSize(16);
        assertThat(dlq)
                .allSatisfy(
                        r -> assertThat(header(r, BridgeHeaders.ERROR_REASON)).isEqualTo("beta_rejected_by_api"));
        assertThat(createCalls()).isEqualTo(1);
        assertThat(h.client.listAll()).isEmpty();
    }

    /** Report 3 (bisection cost): whole-batch 400s are isolated within a call budget per batch. */
    @Test
    void bisectionStopsAtItsCallBudgetAndDeadLettersTheRemainingSuspects() {
        h.emulator
                .faults()
                .script(
                        Endpoint.CREATE,
                        IntStream.range(0, 40).mapToObj(i -> Fault.status(400)).toArray(Fault[]::new));
        h.start(Map.of(
                SubmitterConfig.MAX_BATCH_REQUESTS,
                "16",
                SubmitterConfig.LINGER_MS,
                "20000",
                "bridge.submitter.bisect.max.calls",
                "6"));
        for (int i = 0; i < 16; i++) {
            h.publish(requests(), "k", request("bb-" + i, params(OPUS, 10, "x"), ""));
        }

        await().atMost(SETTLE).until(() -> h.readAll(h.names.dlq()).size() >= 16);

        List<ConsumerRecord<byte[], byte[]>> dlq = h.readAll(h.names.dlq());
        assertThat(dlq).hasSize(16);
        assertThat(dlq)
                .allSatisfy(
                        r -> assertThat(header(r, BridgeHeaders.ERROR_REASON)).isEqualTo("rejected_by_api"));
        assertThat(dlq)
                .anySatisfy(
                        r -> assertThat(header(r, BridgeHeaders.ERROR_MESSAGE)).contains("budget"));
        assertThat(createCalls()).isEqualTo(7);
        assertThat(counter(BridgeMetric.SUBMITTER_BISECT_CALLS.metricName())).isEqualTo(6);
    }

    /**
     * Report 1's loop seen from the API: a ticket the broker refuses (its topic's limit lowered after the
     * submitter read it) made every rewind buy the batch again. Now the batch is held as an orphan (counted,
     * cause logged) and the next generation, reading the new limit, reuses it and splits its ticket.
     */
    @Test
    void aBatchWhoseTicketCannotBeWrittenIsReusedNotBoughtAgain() {
        SubmitterApp app = h.start(Map.of(
                SubmitterConfig.MAX_METADATA_BYTES, String.valueOf(1024 * 1024),
                SubmitterConfig.MAX_BATCH_REQUESTS, "3",
                SubmitterConfig.LINGER_MS, "10000"));
        await().atMost(SETTLE).until(app::assignmentSettled);
        setMaxMessageBytes(h.names.batches(), 100_000);
        Random random = new Random(3);
        for (int i = 0; i < 3; i++) {
            h.publish(requests(), "k", withMetadata("late-" + i, 60_000, random));
        }

        await().atMost(SETTLE).until(() -> h.ticketedCustomIds().size() >= 3);

        assertThat(h.ticketedCustomIds()).containsExactlyInAnyOrder("late-0", "late-1", "late-2");
        assertThat(counter(BridgeMetric.SUBMITTER_ORPHAN_BATCHES.metricName(), "outcome", "reused"))
                .isEqualTo(1);
        assertThat(h.client.listAll()).hasSize(1);
        assertThat(h.tickets()).hasSizeGreaterThan(1);
        assertOneApiBatchPerTicketedBatchPlusOrphans();
    }

    // ---- helpers ----

    /** Every API batch got a ticket or was cancelled as an orphan (a reused orphan got its ticket). */
    void assertOneApiBatchPerTicketedBatchPlusOrphans() {
        long ticketed = h.tickets().stream().map(Ticket::batchId).distinct().count();
        long orphans = (long) counter(BridgeMetric.SUBMITTER_ORPHAN_BATCHES.metricName(), "outcome", "cancelled");
        assertThat(h.client.listAll()).hasSize((int) (ticketed + orphans));
    }

    /** Create calls that reached the emulator, whatever their answer. */
    long createCalls() {
        return h.registry.find(BridgeMetric.API_CALLS.metricName()).tag("op", "create").timers().stream()
                .mapToLong(Timer::count)
                .sum();
    }

    double failures(String kind) {
        return counter(BridgeMetric.SUBMITTER_CREATE_FAILURES.metricName(), "kind", kind);
    }

    double counter(String name, String... tags) {
        return h.registry.find(name).tags(tags).counters().stream()
                .mapToDouble(Counter::count)
                .sum();
    }

    void setMaxMessageBytes(String topic, int bytes) {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", h.cluster.bootstrapServers()))) {
            admin.incrementalAlterConfigs(Map.of(
                            new ConfigResource(ConfigResource.Type.TOPIC, topic),
                            List.of(new AlterConfigOp(
                                    new ConfigEntry("max.message.bytes", String.valueOf(bytes)),
                                    AlterConfigOp.OpType.SET))))
                    .all()
                    .get();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static String withMetadata(String id, int padChars, Random random) {
        return request(id, params(OPUS, 10, "x"), ",\"metadata\":{\"pad\":\"" + alnum(padChars, random) + "\"}");
    }

    /** Letters and digits that do not compress much: the broker's check is after compression. */
    static String alnum(int n, Random random) {
        String alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
        char[] c = new char[n];
        for (int i = 0; i < n; i++) {
            c[i] = alphabet.charAt(random.nextInt(alphabet.length()));
        }
        return new String(c);
    }

    static String header(ConsumerRecord<byte[], byte[]> r, String key) {
        return BridgeHeaders.get(r.headers(), key);
    }
}
