package io.batchbridge.submitter;

import static io.batchbridge.submitter.SubmitterHarness.params;
import static io.batchbridge.submitter.SubmitterHarness.request;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.batchbridge.common.model.ModelCatalogue;
import io.batchbridge.common.records.BridgeHeaders;
import io.batchbridge.common.records.EnvelopeCodec;
import io.batchbridge.common.records.RequestEnvelope;
import io.batchbridge.common.records.Ticket;
import io.batchbridge.emulator.Endpoint;
import io.batchbridge.emulator.Fault;
import io.batchbridge.kafka.embedded.KafkaCluster;
import io.batchbridge.kafka.embedded.KafkaClusterExtension;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(KafkaClusterExtension.class)
@Timeout(180)
class SubmitterIT {
    static final String OPUS = "claude-opus-4-6";
    SubmitterHarness h;

    @BeforeEach
    void setUp(KafkaCluster cluster) {
        h = new SubmitterHarness(cluster, 2);
    }

    @AfterEach
    void tearDown() {
        h.close();
    }

    String requests() {
        return h.names.requests().get(0);
    }

    @Test
    void requestsAcrossTwoBetaSetsBecomeBatchesPerLane() {
        h.start(Map.of(SubmitterConfig.MAX_BATCH_REQUESTS, "4"));
        for (int i = 0; i < 10; i++) {
            h.publish(requests(), "p" + i, request("plain-" + i, params(OPUS, 100, "hi"), ""));
            h.publish(
                    requests(),
                    "b" + i,
                    request("beta-" + i, params(OPUS, 100, "hi"), ",\"betas\":[\"interleaved-thinking-2025-05-14\"]"));
        }

        await().atMost(Duration.ofSeconds(60)).until(() -> h.ticketedCustomIds().size() == 20);
        List<Ticket> tickets = h.tickets();

        assertThat(h.ticketedCustomIds()).doesNotHaveDuplicates();
        assertThat(tickets.stream().map(Ticket::betas).collect(Collectors.toSet()))
                .containsExactlyInAnyOrder(List.of(), List.of("interleaved-thinking-2025-05-14"));
        // 10 requests per lane, at most 4 per batch: at least 3 batches per lane.
        assertThat(tickets)
                .hasSizeGreaterThanOrEqualTo(6)
                .allSatisfy(t -> assertThat(t.items()).hasSizeLessThanOrEqualTo(4));
        assertThat(h.client.listAll()).hasSize(tickets.size());
        assertThat(h.readAll(h.names.batchEvents())).hasSize(tickets.size());
    }

    @Test
    void a300kRequestGetsTheExtendedOutputBetaInItsOwnLane() {
        h.start();
        h.publish(requests(), "big", request("big", params(OPUS, 300_000, "long"), ""));
        h.publish(requests(), "small", request("small", params(OPUS, 1000, "short"), ""));

        await().atMost(Duration.ofSeconds(60)).until(() -> h.ticketedCustomIds().size() == 2);

        Map<String, List<String>> betasById = new LinkedHashMap<>();
        h.tickets().forEach(t -> t.items().forEach(i -> betasById.put(i.customId(), t.betas())));
        assertThat(betasById.get("big")).containsExactly(ModelCatalogue.EXTENDED_OUTPUT_BETA);
        assertThat(betasById.get("small")).isEmpty();
    }

    @Test
    void eachValidationReasonProducesExactlyOneDeadLetterAndThePipelineKeepsGoing() {
        h.start();
        Map<String, String> bad = new LinkedHashMap<>();
        bad.put("malformed_json", "{\"custom_id\":");
        bad.put("missing_field", "{\"params\":{}}");
        bad.put("invalid_custom_id", request("bad id!", params(OPUS, 10, "x"), ""));
        bad.put("unknown_model", request("um", params("claude-nope-1", 10, "x"), ""));
        bad.put("max_tokens_over_cap", request("oc", params(OPUS, 300_001, "x"), ""));
        bad.put("extended_output_not_supported", request("eo", params("claude-haiku-4-5", 200_000, "x"), ""));
        bad.put(
                "invalid_thinking_budget",
                request(
                        "tb",
                        params(OPUS, 2000, "x")
                                .replace("}]}", "}],\"thinking\":{\"type\":\"enabled\",\"budget_tokens\":4000}}"),
                        ""));
        bad.put("stream_not_supported", request("st", params(OPUS, 10, "x").replace("}]}", "}],\"stream\":true}"), ""));
        bad.put("unsupported_param", request("sp", params(OPUS, 0, "x"), ""));
        bad.put("reply_to_not_allowed", request("rt", params(OPUS, 10, "x"), ",\"reply_to\":\"secret.topic\""));
        bad.put("account_not_allowed", request("ua", params(OPUS, 10, "x"), ",\"account\":\"nobody\""));
        bad.put("record_too_large", request("tl", params(OPUS, 10, "x".repeat(9 * 1024 * 1024)), ""));
        h.publish(requests(), null, request("good-1", params(OPUS, 10, "ok"), ""));
        bad.values().forEach(v -> h.publish(requests(), null, v));
        h.publish(requests(), null, request("good-2", params(OPUS, 10, "ok"), ""));

        await().atMost(Duration.ofSeconds(60))
                .until(() -> h.readAll(h.names.dlq()).size() >= bad.size());
        await().atMost(Duration.ofSeconds(60)).until(() -> h.ticketedCustomIds().size() == 2);
        List<ConsumerRecord<byte[], byte[]>> dlq = h.readAll(h.names.dlq());

        assertThat(dlq.stream()
                        .map(r -> BridgeHeaders.get(r.headers(), BridgeHeaders.ERROR_REASON))
                        .toList())
                .containsExactlyInAnyOrderElementsOf(bad.keySet());
        assertThat(dlq).allSatisfy(r -> {
            assertThat(BridgeHeaders.get(r.headers(), BridgeHeaders.ERROR_MESSAGE))
                    .isNotBlank();
            assertThat(BridgeHeaders.get(r.headers(), BridgeHeaders.ORIGINAL_TOPIC))
                    .isEqualTo(requests());
            assertThat(BridgeHeaders.get(r.headers(), BridgeHeaders.ORIGINAL_OFFSET))
                    .isNotNull();
        });
        ConsumerRecord<byte[], byte[]> malformed = dlq.stream()
                .filter(r -> "malformed_json".equals(BridgeHeaders.get(r.headers(), BridgeHeaders.ERROR_REASON)))
                .findFirst()
                .orElseThrow();
        assertThat(new String(malformed.value(), UTF_8)).isEqualTo("{\"custom_id\":");
        assertThat(h.ticketedCustomIds()).containsExactlyInAnyOrder("good-1", "good-2");
    }

    @Test
    void aCrashBetweenCreateAndCommitLeavesTheRequestToBeReadAgainNotLost() {
        h.emulator.faults().script(Endpoint.CREATE, Fault.slow(Duration.ofSeconds(2)));
        SubmitterApp first = h.start();
        h.publish(requests(), "k", request("survivor", params(OPUS, 10, "x"), ""));
        await().atMost(Duration.ofSeconds(30)).until(() -> h.emulator.faults().injectedCount() >= 1);

        first.abort(); // the create reaches the API, but its ticket and offset are never committed
        await().atMost(Duration.ofSeconds(30)).until(() -> h.client.listAll().size() == 1);
        assertThat(h.tickets()).isEmpty();

        h.start();
        await().atMost(Duration.ofSeconds(60)).until(() -> h.ticketedCustomIds().size() == 1);
        assertThat(h.ticketedCustomIds()).containsExactly("survivor");
        // The account is not declared dedicated: the first batch exists at the API without a ticket (CrashWindowIT
        // covers what is reported, adopted or cancelled; this emulator's clock runs 3600 times faster, so its
        // created_at cannot be matched to an intent's time).
        assertThat(h.client.listAll()).hasSize(2);
    }

    @Test
    void anApiOutagePausesIntakeAndResumesWithoutLoss() {
        Fault[] outage = IntStream.range(0, 6).mapToObj(i -> Fault.status(529)).toArray(Fault[]::new);
        h.emulator.faults().script(Endpoint.CREATE, outage);
        SubmitterApp app = h.start(Map.of(SubmitterConfig.CREATE_BACKOFF_MS, "1000"));
        for (int i = 0; i < 8; i++) {
            h.publish(requests(), "k" + i, request("o-" + i, params(OPUS, 10, "x"), ""));
        }

        await().atMost(Duration.ofSeconds(30)).until(app::intakePaused);
        await().atMost(Duration.ofSeconds(90)).until(() -> h.ticketedCustomIds().size() == 8);

        assertThat(h.ticketedCustomIds()).doesNotHaveDuplicates();
        assertThat(h.readAll(h.names.dlq())).isEmpty();
        await().atMost(Duration.ofSeconds(10)).until(() -> !app.intakePaused());
    }

    @Test
    void aWholeBatchRejectionIsBisectedUntilTheOffendingRequestIsIsolated() {
        // Four requests in one batch; the API refuses the batch, then the first half, then its first request.
        h.emulator.faults().script(Endpoint.CREATE, Fault.status(400), Fault.status(400), Fault.status(400));
        h.start(Map.of(SubmitterConfig.MAX_CONCURRENT_CREATES, "1", SubmitterConfig.LINGER_MS, "1500"));
        for (int i = 0; i < 4; i++) {
            h.publish(requests(), "same-key", request("bi-" + i, params(OPUS, 10, "x"), ""));
        }

        await().atMost(Duration.ofSeconds(60)).until(() -> h.ticketedCustomIds().size() == 3);
        List<ConsumerRecord<byte[], byte[]>> dlq = h.readAll(h.names.dlq());

        assertThat(dlq).hasSize(1);
        assertThat(BridgeHeaders.get(dlq.get(0).headers(), BridgeHeaders.ERROR_REASON))
                .isEqualTo("rejected_by_api");
        assertThat(BridgeHeaders.get(dlq.get(0).headers(), BridgeHeaders.CUSTOM_ID))
                .isEqualTo("bi-0");
        assertThat(h.ticketedCustomIds()).containsExactlyInAnyOrder("bi-1", "bi-2", "bi-3");
    }

    @Test
    void theRetryTopicIsHeldUntilNotBeforeAndExhaustedAttemptsAreDeadLettered() {
        h.start();
        Instant due = Instant.now().plusSeconds(4);
        RequestEnvelope retry = new RequestEnvelope(
                "later",
                params(OPUS, 10, "x").getBytes(UTF_8),
                null,
                List.of(),
                null,
                null,
                2,
                due,
                new io.batchbridge.common.records.Coordinates(requests(), 0, 99),
                "overloaded_error: busy");
        RecordHeaders headers = new RecordHeaders();
        BridgeHeaders.put(headers, BridgeHeaders.NOT_BEFORE, due.toString());
        h.publish(h.names.retry(), "later", EnvelopeCodec.write(retry), headers);
        RequestEnvelope exhausted = new RequestEnvelope(
                "tired",
                params(OPUS, 10, "x").getBytes(UTF_8),
                null,
                List.of(),
                null,
                null,
                4,
                null,
                null,
                "api_error: again");
        h.publish(h.names.retry(), "tired", EnvelopeCodec.write(exhausted), new RecordHeaders());

        await().atMost(Duration.ofSeconds(60)).until(() -> h.ticketedCustomIds().contains("later"));
        Ticket t = h.tickets().get(0);

        assertThat(t.createdAt()).isAfterOrEqualTo(due.minusMillis(50));
        assertThat(t.items().get(0).attempt()).isEqualTo(2);
        assertThat(t.items().get(0).origin())
                .isEqualTo(new io.batchbridge.common.records.Coordinates(requests(), 0, 99));
        List<ConsumerRecord<byte[], byte[]>> dlq = h.readAll(h.names.dlq());
        assertThat(dlq).hasSize(1);
        assertThat(BridgeHeaders.get(dlq.get(0).headers(), BridgeHeaders.ERROR_REASON))
                .isEqualTo("attempts_exhausted");
    }

    @Test
    void aRebalanceMidLaneLosesAndDoublesNothing() {
        h.start(Map.of(SubmitterConfig.LINGER_MS, "3000"));
        for (int i = 0; i < 30; i++) {
            h.publish(requests(), "k" + i, request("rb-" + i, params(OPUS, 10, "x"), ""));
        }
        // a second instance (its own id) joins the group while the first holds open lanes
        h.start(Map.of(
                SubmitterConfig.LINGER_MS, "3000", SubmitterConfig.INSTANCE_ID, "it-second-" + UUID.randomUUID()));
        for (int i = 30; i < 60; i++) {
            h.publish(requests(), "k" + i, request("rb-" + i, params(OPUS, 10, "x"), ""));
        }

        await().atMost(Duration.ofSeconds(90)).until(() -> h.ticketedCustomIds().size() >= 60);
        List<String> ids = h.ticketedCustomIds();

        assertThat(ids).hasSize(60).doesNotHaveDuplicates();
        Set<String> expected = new HashSet<>();
        IntStream.range(0, 60).forEach(i -> expected.add("rb-" + i));
        assertThat(new HashSet<>(ids)).isEqualTo(expected);
    }
}
