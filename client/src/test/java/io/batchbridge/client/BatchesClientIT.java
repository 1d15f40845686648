package io.batchbridge.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.batchbridge.emulator.Emulator;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class BatchesClientIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private Emulator emulator;
    private BatchesClient client;
    private Fixtures.RecordingSleeper sleeper;

    @BeforeEach
    void start() {
        emulator = Fixtures.emulator();
        sleeper = new Fixtures.RecordingSleeper();
        client = new BatchesClient(
                Fixtures.account(emulator),
                Fixtures.settings(Map.of()),
                new SimpleMeterRegistry(),
                Clock.systemUTC(),
                sleeper);
    }

    @AfterEach
    void stop() {
        client.close();
        emulator.close();
    }

    private MessageBatch awaitEnded(String id) {
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> client.retrieve(id).ended());
        return client.retrieve(id);
    }

    private static Map<String, ResultLine> readAll(ResultStream stream) {
        try (stream) {
            Map<String, ResultLine> out = new HashMap<>();
            stream.forEachRemaining(l -> out.put(l.customId(), l));
            return out;
        }
    }

    @Test
    void createRetrieveResultsAndDeleteABatchWithEveryOutcome() throws Exception {
        Map<String, byte[]> requests = new LinkedHashMap<>();
        requests.put("ok", Fixtures.params("claude-opus-4-6", 1000, "output_tokens=50 outcome=succeeded"));
        requests.put(
                "huge",
                Fixtures.params(
                        "claude-opus-4-6", 300_000, "output_tokens=300000 outcome=succeeded stop_reason=max_tokens"));
        requests.put("bad", Fixtures.params("claude-opus-4-6", 1000, "outcome=errored:overloaded_error"));
        requests.put("late", Fixtures.params("claude-opus-4-6", 1000, "outcome=expired"));

        MessageBatch created = client.create(Fixtures.body(requests), List.of("output-300k-2026-03-24"));
        assertThat(created.id()).startsWith("msgbatch_");
        assertThat(created.processingStatus()).isEqualTo(MessageBatch.IN_PROGRESS);
        assertThat(created.requestCounts().total()).isEqualTo(4);
        assertThat(created.resultsUrl()).isNull();
        assertThat(created.expiresAt()).isEqualTo(created.createdAt().plus(Duration.ofHours(24)));

        emulator.advance(Duration.ofHours(25)); // lets the "expired" request expire
        MessageBatch ended = awaitEnded(created.id());
        assertThat(ended.endedAt()).isNotNull();
        assertThat(ended.resultsUrl()).isNotNull();

        Map<String, ResultLine> lines = readAll(client.results(ended));
        assertThat(lines).containsOnlyKeys("ok", "huge", "bad", "late");
        assertThat(lines.get("ok").type()).isEqualTo(ResultType.SUCCEEDED);
        assertThat(lines.get("bad").type()).isEqualTo(ResultType.ERRORED);
        assertThat(lines.get("bad").errorType()).isEqualTo("overloaded_error");
        assertThat(lines.get("late").type()).isEqualTo(ResultType.EXPIRED);

        ResultLine huge = lines.get("huge");
        assertThat(huge.message().length).isGreaterThan(1_000_000);
        assertThat(huge.truncated()).isTrue();
        assertThat(huge.usage().outputTokens()).isEqualTo(300_000);
        JsonNode message = JSON.readTree(huge.message());
        assertThat(message.path("type").asText()).isEqualTo("message");
        assertThat(message.path("usage").path("output_tokens").asLong()).isEqualTo(300_000);
        assertThat(huge.model()).isEqualTo(message.path("model").asText());

        client.delete(ended.id());
        assertThatThrownBy(() -> client.retrieve(ended.id())).isInstanceOfSatisfying(BatchesApiException.class, e -> {
            assertThat(e.status()).isEqualTo(404);
            assertThat(e.errorType()).isEqualTo("not_found_error");
            assertThat(e.retryable()).isFalse();
            assertThat(e.requestId()).isNotBlank();
        });
        assertThat(sleeper.waits).isEmpty();
    }

    @Test
    void thinkingToolUseAndParamsRefusalsComeThroughTheParser() throws Exception {
        Map<String, byte[]> requests = new LinkedHashMap<>();
        requests.put(
                "tool",
                ("{\"model\":\"claude-sonnet-4-6\",\"max_tokens\":4096,\"messages\":[{\"role\":\"user\","
                                + "\"content\":\"look up #emulate output_tokens=60\"}],\"thinking\":{\"type\":\"enabled\","
                                + "\"budget_tokens\":2048},\"tools\":[{\"name\":\"lookup\",\"input_schema\":{\"type\":"
                                + "\"object\"}}],\"tool_choice\":{\"type\":\"any\"}}")
                        .getBytes(java.nio.charset.StandardCharsets.UTF_8));
        requests.put(
                "robot",
                "{\"model\":\"claude-sonnet-4-6\",\"max_tokens\":10,\"messages\":[{\"role\":\"robot\",\"content\":\"x\"}]}"
                        .getBytes(java.nio.charset.StandardCharsets.UTF_8));
        MessageBatch created = client.create(Fixtures.body(requests), List.of());
        Map<String, ResultLine> lines = readAll(client.results(awaitEnded(created.id())));

        ResultLine tool = lines.get("tool");
        assertThat(tool.type()).isEqualTo(ResultType.SUCCEEDED);
        assertThat(tool.stopReason()).isEqualTo("tool_use");
        assertThat(tool.usage().outputTokens()).isEqualTo(60);
        JsonNode content = JSON.readTree(tool.message()).path("content");
        assertThat(List.of(
                        content.path(0).path("type").asText(),
                        content.path(1).path("type").asText(),
                        content.path(2).path("type").asText()))
                .containsExactly("thinking", "text", "tool_use");
        ResultLine robot = lines.get("robot");
        assertThat(robot.type()).isEqualTo(ResultType.ERRORED);
        assertThat(robot.errorType()).isEqualTo("invalid_request_error");
        assertThat(robot.errorMessage()).isEqualTo("messages.0.role: Input should be 'user' or 'assistant'");
    }

    @Test
    void resultsFallBackToTheDocumentedPathWithoutResultsUrl() {
        MessageBatch created = client.create(
                Fixtures.body(Map.of("a", Fixtures.params("claude-haiku-4-5", 100, "output_tokens=10"))), List.of());
        MessageBatch ended = awaitEnded(created.id());
        MessageBatch withoutUrl = new MessageBatch(
                ended.id(),
                ended.processingStatus(),
                ended.requestCounts(),
                ended.createdAt(),
                ended.expiresAt(),
                ended.endedAt(),
                ended.cancelInitiatedAt(),
                ended.archivedAt(),
                null);

        Map<String, ResultLine> viaUrl = readAll(client.results(ended));
        Map<String, ResultLine> viaPath = readAll(client.results(withoutUrl));
        assertThat(viaPath.keySet()).isEqualTo(viaUrl.keySet()).containsExactly("a");
        assertThat(viaPath.get("a").message()).isEqualTo(viaUrl.get("a").message());
    }

    @Test
    void resultsOfAnUnfinishedBatchAreANotFoundError() {
        MessageBatch created = client.create(
                Fixtures.body(Map.of("a", Fixtures.params("claude-haiku-4-5", 100, "duration=86000"))), List.of());
        assertThatThrownBy(() -> client.results(created).close())
                .isInstanceOfSatisfying(BatchesApiException.class, e -> {
                    assertThat(e.status()).isEqualTo(404);
                    assertThat(e.retryable()).isFalse();
                });
    }

    @Test
    void cancelEndsTheBatchWithCanceledResults() {
        MessageBatch created = client.create(
                Fixtures.body(Map.of(
                        "slow1", Fixtures.params("claude-haiku-4-5", 100, "duration=80000"),
                        "slow2", Fixtures.params("claude-haiku-4-5", 100, "duration=80000"))),
                List.of());
        MessageBatch canceling = client.cancel(created.id());
        assertThat(canceling.processingStatus()).isIn(MessageBatch.CANCELING, MessageBatch.ENDED);
        assertThat(canceling.cancelInitiatedAt()).isNotNull();

        MessageBatch ended = awaitEnded(created.id());
        Map<String, ResultLine> lines = readAll(client.results(ended));
        assertThat(lines.values()).extracting(ResultLine::type).containsOnly(ResultType.CANCELED);
        assertThat(ended.requestCounts().canceled()).isEqualTo(2);
    }

    @Test
    void listAllFollowsEveryPage() {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 105; i++) {
            ids.add(client.create(
                            Fixtures.body(Map.of("r" + i, Fixtures.params("claude-haiku-4-5", 100, "output_tokens=5"))),
                            List.of())
                    .id());
        }
        List<MessageBatch> all = client.listAll();
        Set<String> listed = all.stream().map(MessageBatch::id).collect(Collectors.toSet());
        assertThat(listed).containsAll(ids);
        assertThat(all).hasSize(listed.size());
        assertThat(all.get(0).createdAt())
                .isAfterOrEqualTo(all.get(all.size() - 1).createdAt());
    }

    @Test
    void anUnknownBetaIsAClientErrorAndNotRetried() {
        assertThatThrownBy(() -> client.create(
                        Fixtures.body(Map.of("a", Fixtures.params("claude-haiku-4-5", 100, "output_tokens=5"))),
                        List.of("no-such-beta-2020-01-01")))
                .isInstanceOfSatisfying(BatchesApiException.class, e -> {
                    assertThat(e.status()).isEqualTo(400);
                    assertThat(e.errorType()).isEqualTo("invalid_request_error");
                    assertThat(e.getMessage()).contains("anthropic-beta");
                    assertThat(e.retryable()).isFalse();
                    assertThat(e.outcomeUnknown()).isFalse();
                });
        assertThat(sleeper.waits).isEmpty();
    }

    @Test
    void aSpooledBodyIsStreamedFromItsFile(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp) {
        CreateBody.Builder b = CreateBody.spooled(tmp.resolve("batch.json"));
        for (int i = 0; i < 50; i++) {
            b.add("s" + i, Fixtures.params("claude-haiku-4-5", 100, "output_tokens=5"));
        }
        MessageBatch created = client.create(b.build(), List.of());
        assertThat(created.requestCounts().total()).isEqualTo(50);
        MessageBatch ended = awaitEnded(created.id());
        assertThat(readAll(client.results(ended))).hasSize(50);
    }
}
