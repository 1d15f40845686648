package io.batchbridge.cli.demo;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.batchbridge.cli.check.DeliveryCheck;
import io.batchbridge.common.kafka.CommittedReader;
import io.batchbridge.common.kafka.KafkaClientDefaults;
import io.batchbridge.common.records.BridgeHeaders;
import io.batchbridge.common.records.Coordinates;
import io.batchbridge.common.records.EnvelopeCodec;
import io.batchbridge.common.records.TicketCodec;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The poison classes of issue #17 through the whole pipeline on the product's defaults, interleaved with good
 * requests in the same lanes and batches: every hostile record ends as exactly one dead letter with its reason,
 * forged records on the batches topic are skipped and counted, every good request is delivered exactly once, both
 * roles stay ready, and the API was asked to create exactly the batches that got tickets (plus counted orphans).
 */
@Timeout(300)
class HostilePipelineIT {
    private static final String OK_PARAMS = "{\"model\":\"claude-haiku-4-5\",\"max_tokens\":50,\"messages\":"
            + "[{\"role\":\"user\",\"content\":\"fine #emulate output_tokens=20\"}]}";
    private static final String TEAM_TOPIC = "bridge.results.team-a";

    @Test
    void everyPoisonRecordGetsOneDeadLetterAndEveryGoodRequestOneResult() throws Exception {
        try (EmbeddedStack stack =
                        EmbeddedStack.builder().timeScale(7200).seed(17).start();
                Admin admin = Admin.create(Map.of("bootstrap.servers", stack.bootstrapServers()));
                KafkaProducer<byte[], byte[]> producer =
                        new KafkaProducer<>(KafkaClientDefaults.producer(stack.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(TEAM_TOPIC, 1, (short) 1)))
                    .all()
                    .get();
            // the broker lists a new topic a moment after the create returns; publish only then
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> admin.listTopics().names().get().contains(TEAM_TOPIC));
            String requests = stack.topics().requests().get(0);
            Map<String, String> hostile = hostile(); // label -> value
            Map<Coordinates, String> expectedReason = new HashMap<>();
            List<Coordinates> published = new ArrayList<>();
            int i = 0;
            for (Map.Entry<String, String> h : hostile.entrySet()) {
                Coordinates at = send(producer, requests, h.getValue());
                published.add(at);
                expectedReason.put(at, h.getKey().substring(0, h.getKey().indexOf(':')));
                // a good request after each hostile one: same topic, same account, same lane
                String reply = i++ % 2 == 0 ? "" : ",\"reply_to\":\"" + TEAM_TOPIC + "\"";
                published.add(send(producer, requests, request("good-" + i, reply)));
            }
            // forged records on the batches topic: each skipped with a count, never a crash loop or a stall
            for (String ticket : List.of(
                    "{\"v\":1,\"batch_id\":\"msgbatch_forged\",\"account\":\"default\",\"betas\":[],"
                            + "\"request_count\":2000000000,\"part\":0,\"parts\":2000000000,\"sources\":[\""
                            + requests + "\"],\"items\":[]}",
                    "not a ticket at all",
                    "{\"v\":1,\"batch_id\":\"" + "b".repeat(1 << 20) + "\"}")) {
                producer.send(new ProducerRecord<>(
                                stack.topics().batches(), "msgbatch_forged".getBytes(UTF_8), ticket.getBytes(UTF_8)))
                        .get();
            }
            String forged = request(
                    "forged-fields",
                    ",\"attempt\":3,\"not_before\":\"2099-01-01T00:00:00Z\",\"origin\":{\"topic\":\""
                            + stack.topics().batches() + "\",\"partition\":0,\"offset\":0}");
            Coordinates forgedAt = send(producer, requests, forged);
            published.add(forgedAt);

            List<String> outputs = List.of(stack.topics().results(), TEAM_TOPIC);
            await().atMost(Duration.ofSeconds(180))
                    .pollInterval(Duration.ofSeconds(1))
                    .until(() -> DeliveryCheck.check(stack.bootstrapServers(), stack.topics(), published, outputs)
                            .complete());
            DeliveryCheck.Verdict v = DeliveryCheck.check(stack.bootstrapServers(), stack.topics(), published, outputs);
            System.out.println(DeliveryCheck.line("hostile pipeline", v, List.of()));
            assertThat(v.clean()).as(v.toString()).isTrue();
            assertThat(v.deadLetters()).isEqualTo(hostile.size());
            assertThat(v.results()).isEqualTo(published.size() - hostile.size());

            Map<Coordinates, String> reasons = new HashMap<>();
            CommittedReader.forEach(stack.bootstrapServers(), stack.topics().dlq(), r -> {
                reasons.put(
                        BridgeHeaders.origin(r.headers()), BridgeHeaders.get(r.headers(), BridgeHeaders.ERROR_REASON));
                String message = BridgeHeaders.get(r.headers(), BridgeHeaders.ERROR_MESSAGE);
                assertThat(message.length()).isLessThan(2_000);
                assertThat(message.chars().noneMatch(c -> c < 0x20)).as(message).isTrue();
                if (r.key() != null) {
                    assertThat(new String(r.key(), UTF_8)).matches(EnvelopeCodec.CUSTOM_ID);
                }
            });
            assertThat(reasons).isEqualTo(expectedReason);
            // the forged request was delivered as a first attempt from its own coordinates
            CommittedReader.forEach(stack.bootstrapServers(), stack.topics().results(), r -> {
                if ("forged-fields".equals(new String(r.key(), UTF_8))) {
                    assertThat(BridgeHeaders.origin(r.headers())).isEqualTo(forgedAt);
                    assertThat(BridgeHeaders.get(r.headers(), BridgeHeaders.ATTEMPT))
                            .isEqualTo("1");
                }
            });

            await().atMost(Duration.ofSeconds(60))
                    .until(() ->
                            Scrape.sum(Scrape.metrics(stack.workerOps()), "bridge_worker_tickets_skipped_total") >= 3);
            assertThat(Scrape.get(stack.submitterOps(), "/health/ready").status())
                    .isEqualTo(200);
            assertThat(Scrape.get(stack.workerOps(), "/health/ready").status()).isEqualTo(200);
            Set<String> ticketed = new HashSet<>();
            CommittedReader.forEach(stack.bootstrapServers(), stack.topics().batches(), r -> {
                try {
                    ticketed.add(TicketCodec.read(r.value()).batchId());
                } catch (IllegalArgumentException forgedTicket) {
                    // one of the forged records written above: not a batch anybody created
                }
            });
            double cancelledOrphans = Scrape.sum(
                    Scrape.metrics(stack.submitterOps()),
                    "bridge_submitter_orphan_batches_total",
                    "outcome",
                    "cancelled");
            assertThat(createdAtTheApi(stack))
                    .as("API creates = ticketed batches + cancelled orphans")
                    .isEqualTo(ticketed.size() + (int) cancelledOrphans);
        }
    }

    /** The poison classes, each as "expected_reason: label" → record value. */
    private static Map<String, String> hostile() {
        Map<String, String> h = new LinkedHashMap<>();
        h.put(
                "reply_to_not_allowed: 1 MiB reply_to",
                request("h1", ",\"reply_to\":\"bridge.results." + "x".repeat(1 << 20) + "\""));
        h.put("reply_to_not_allowed: escape in reply_to", request("h2", ",\"reply_to\":\"bridge.results.\\u001b[2J\""));
        h.put("reply_to_not_allowed: one of our own topics", request("h3", ",\"reply_to\":\"bridge.batches\""));
        h.put("reply_to_unknown_topic: no such topic", request("h4", ",\"reply_to\":\"bridge.results.nope\""));
        h.put("invalid_beta: a space", request("h5", ",\"betas\":[\"a b\"]"));
        h.put("invalid_beta: a newline", request("h6", ",\"betas\":[\"ok\\nX-Forged: 1\"]"));
        h.put("account_not_allowed: another account", request("h7", ",\"account\":\"team-secret\""));
        h.put(
                "unknown_model: 1 MiB model with escapes",
                "{\"custom_id\":\"h8\",\"params\":"
                        + OK_PARAMS.replace("claude-haiku-4-5", "m".repeat(1 << 20) + "\\u001b[2J\\n") + "}");
        h.put(
                "invalid_field: escapes in custom_id, a later field fails",
                "{\"custom_id\":\"a\\u001b[2J\\nforged\",\"betas\":42,\"params\":" + OK_PARAMS + "}");
        h.put("invalid_messages: role robot", params("h9", "[{\"role\":\"robot\",\"content\":\"x\"}]"));
        h.put("invalid_messages: content 42", params("h10", "[{\"role\":\"user\",\"content\":42}]"));
        h.put("invalid_messages: no messages", params("h11", "[]"));
        return h;
    }

    private static String request(String id, String extra) {
        return "{\"custom_id\":\"" + id + "\",\"params\":" + OK_PARAMS + extra + "}";
    }

    private static String params(String id, String messages) {
        return "{\"custom_id\":\"" + id + "\",\"params\":"
                + OK_PARAMS.replace("[{\"role\":\"user\",\"content\":\"fine #emulate output_tokens=20\"}]", messages)
                + "}";
    }

    private static Coordinates send(KafkaProducer<byte[], byte[]> producer, String topic, String value)
            throws Exception {
        RecordMetadata m = producer.send(new ProducerRecord<>(topic, value.getBytes(UTF_8)))
                .get();
        return new Coordinates(m.topic(), m.partition(), m.offset());
    }

    /** Every batch the emulator was asked to create (its list endpoint, all pages). */
    private static int createdAtTheApi(EmbeddedStack stack) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        Pattern id = Pattern.compile("\"id\"\\s*:\\s*\"(msgbatch_[A-Za-z0-9]+)\"");
        Set<String> ids = new HashSet<>();
        String after = null;
        while (true) {
            URI uri = URI.create(stack.emulatorUrl() + "/v1/messages/batches?limit=1000"
                    + (after == null ? "" : "&after_id=" + after));
            HttpResponse<String> page = http.send(
                    HttpRequest.newBuilder(uri)
                            .header("x-api-key", "demo-key")
                            .header("anthropic-version", "2023-06-01")
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(page.statusCode()).isEqualTo(200);
            Matcher m = id.matcher(page.body());
            String last = null;
            while (m.find()) {
                ids.add(m.group(1));
                last = m.group(1);
            }
            if (!page.body().contains("\"has_more\":true") || last == null) {
                return ids.size();
            }
            after = last;
        }
    }
}
