package io.batchbridge.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.errors.BadRequestException;
import com.anthropic.errors.ConflictException;
import com.anthropic.errors.ContentTooLargeException;
import com.anthropic.errors.InternalServerException;
import com.anthropic.errors.NotFoundException;
import com.anthropic.errors.OverloadedException;
import com.anthropic.errors.RateLimitException;
import com.anthropic.errors.UnauthorizedException;
import com.anthropic.models.beta.AnthropicBeta;
import com.anthropic.models.beta.messages.batches.BetaMessageBatch;
import com.anthropic.models.beta.messages.batches.BetaMessageBatchIndividualResponse;
import com.anthropic.models.messages.StopReason;
import com.anthropic.models.messages.Usage;
import com.anthropic.models.messages.batches.BatchCreateParams;
import com.anthropic.models.messages.batches.BatchListParams;
import com.anthropic.models.messages.batches.DeletedMessageBatch;
import com.anthropic.models.messages.batches.MessageBatch;
import com.anthropic.models.messages.batches.MessageBatchResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Fidelity: the official Java SDK (3.12.0, which sends {@code Authorization: Bearer} and
 * {@code anthropic-version: 2026-10-21}) talks to the emulator with no workaround.
 */
@Timeout(60)
class SdkContractIT {
    private static final String MODEL = "claude-sonnet-4-6";
    private static Emulator emulator;
    private static AnthropicClient client;

    @BeforeAll
    static void start() {
        emulator =
                Emulator.builder().cancelDelay(Duration.ofSeconds(20)).build().start();
        client = SdkFixtures.client(emulator);
    }

    @AfterAll
    static void stop() {
        client.close();
        emulator.close();
    }

    @AfterEach
    void clearFaults() {
        emulator.faults().clear();
    }

    static BatchCreateParams.Request request(String customId, String model, long maxTokens, String prompt) {
        return BatchCreateParams.Request.builder()
                .customId(customId)
                .params(BatchCreateParams.Request.Params.builder()
                        .model(model)
                        .maxTokens(maxTokens)
                        .addUserMessage(prompt)
                        .build())
                .build();
    }

    private static MessageBatch create(BatchCreateParams.Request... requests) {
        BatchCreateParams.Builder b = BatchCreateParams.builder();
        for (BatchCreateParams.Request r : requests) {
            b.addRequest(r);
        }
        return client.messages().batches().create(b.build());
    }

    private static Map<String, MessageBatchResult> results(String id) {
        return SdkFixtures.results(client, id);
    }

    @Test
    void createdBatchEndsWithSucceededErroredAndExpiredResultsReadableBySdk() {
        MessageBatch created = create(
                request("ok", MODEL, 1000, "Write. #emulate output_tokens=40 duration=5s"),
                request("overloaded", MODEL, 1000, "#emulate outcome=errored:overloaded_error"),
                request("late", MODEL, 1000, "#emulate outcome=expired"),
                request("bad-model", "claude-does-not-exist-9", 1000, "hi"));

        assertThat(created.id()).startsWith("msgbatch_");
        assertThat(created.processingStatus()).isEqualTo(MessageBatch.ProcessingStatus.IN_PROGRESS);
        assertThat(created.requestCounts().processing()).isEqualTo(4);
        assertThat(created.resultsUrl()).isEmpty();
        assertThat(created.expiresAt()).isEqualTo(created.createdAt().plusHours(24));
        assertThatThrownBy(() -> results(created.id()))
                .isInstanceOf(NotFoundException.class)
                .hasMessageContaining("Message Batch " + created.id() + " has no available results.");

        emulator.advance(Duration.ofHours(25));
        MessageBatch ended = client.messages().batches().retrieve(created.id());
        assertThat(ended.processingStatus()).isEqualTo(MessageBatch.ProcessingStatus.ENDED);
        assertThat(ended.requestCounts().succeeded()).isEqualTo(1);
        assertThat(ended.requestCounts().errored()).isEqualTo(2);
        assertThat(ended.requestCounts().expired()).isEqualTo(1);
        assertThat(ended.endedAt()).contains(ended.expiresAt());
        assertThat(ended.resultsUrl())
                .contains(emulator.baseUrl() + "/v1/messages/batches/" + created.id() + "/results");

        Map<String, MessageBatchResult> results = results(created.id());
        assertThat(results).containsOnlyKeys("ok", "overloaded", "late", "bad-model");
        var message = results.get("ok").succeeded().orElseThrow().message();
        assertThat(message.id()).startsWith("msg_");
        assertThat(message.content().get(0).text().orElseThrow().text()).hasSize(160);
        assertThat(message.stopReason()).contains(StopReason.END_TURN);
        assertThat(message.usage().outputTokens()).isEqualTo(40);
        assertThat(message.usage().serviceTier()).contains(Usage.ServiceTier.BATCH);
        var overloaded = results.get("overloaded").errored().orElseThrow().error();
        assertThat(overloaded.error().isOverloadedError()).isTrue();
        var notFound = results.get("bad-model").errored().orElseThrow().error().error();
        assertThat(notFound.isNotFoundError()).isTrue();
        assertThat(notFound.asNotFoundError().message()).isEqualTo("model: claude-does-not-exist-9");
        assertThat(results.get("late").isExpired()).isTrue();
    }

    @Test
    void canceledBatchGoesThroughCancelingAndReportsCanceledLines() {
        MessageBatch created = create(
                request("quick", MODEL, 1000, "#emulate output_tokens=5 duration=1s"),
                request("slow", MODEL, 1000, "#emulate output_tokens=5 duration=2h"));
        emulator.advance(Duration.ofMinutes(1));

        MessageBatch canceling = client.messages().batches().cancel(created.id());
        assertThat(canceling.processingStatus()).isEqualTo(MessageBatch.ProcessingStatus.CANCELING);
        assertThat(canceling.cancelInitiatedAt()).isPresent();
        assertThatThrownBy(() -> client.messages().batches().delete(created.id()))
                .isInstanceOf(BadRequestException.class)
                .hasMessageContaining("In progress batches cannot be deleted. Consider canceling the batch instead.");

        emulator.advance(Duration.ofMinutes(1));
        MessageBatch ended = client.messages().batches().retrieve(created.id());
        assertThat(ended.processingStatus()).isEqualTo(MessageBatch.ProcessingStatus.ENDED);
        assertThat(ended.requestCounts().canceled()).isEqualTo(1);
        assertThat(ended.requestCounts().succeeded()).isEqualTo(1);
        Map<String, MessageBatchResult> results = results(created.id());
        assertThat(results.get("slow").isCanceled()).isTrue();
        assertThat(results.get("quick").isSucceeded()).isTrue();

        DeletedMessageBatch deleted = client.messages().batches().delete(created.id());
        assertThat(deleted.id()).isEqualTo(created.id());
        assertThatThrownBy(() -> client.messages().batches().retrieve(created.id()))
                .isInstanceOf(NotFoundException.class);
    }

    @Test
    void betaCreateWithExtendedOutputAllowsThreeHundredThousandTokensOnEligibleModelsOnly() {
        var params = com.anthropic.models.beta.messages.batches.BatchCreateParams.builder()
                .addBeta(AnthropicBeta.OUTPUT_300K_2026_03_24)
                .addRequest(betaRequest("long", "claude-opus-4-6", 300_000, "#emulate output_tokens=300000"))
                .addRequest(betaRequest("haiku", "claude-haiku-4-5-20251001", 300_000, "hi"))
                .build();
        BetaMessageBatch created = client.beta().messages().batches().create(params);
        emulator.advance(Duration.ofHours(2));
        assertThat(client.beta().messages().batches().retrieve(created.id()).processingStatus())
                .isEqualTo(BetaMessageBatch.ProcessingStatus.ENDED);

        List<BetaMessageBatchIndividualResponse> lines = new ArrayList<>();
        try (var s = client.beta().messages().batches().resultsStreaming(created.id())) {
            s.stream().forEach(lines::add);
        }
        var byId = lines.stream()
                .collect(Collectors.toMap(BetaMessageBatchIndividualResponse::customId, Function.identity()));
        var message = byId.get("long").result().succeeded().orElseThrow().message();
        assertThat(message.usage().outputTokens()).isEqualTo(300_000);
        assertThat(message.content().get(0).text().orElseThrow().text()).hasSize(1_200_000);
        assertThat(message.stopReason().orElseThrow().toString()).isEqualTo("max_tokens");
        var error = byId.get("haiku").result().errored().orElseThrow().error().error();
        assertThat(error.isInvalidRequest()).isTrue();
        assertThat(error.message())
                .isEqualTo("max_tokens: 300000 > 64000, which is the maximum allowed number of output tokens for "
                        + "claude-haiku-4-5-20251001");
    }

    private static com.anthropic.models.beta.messages.batches.BatchCreateParams.Request betaRequest(
            String id, String model, long maxTokens, String prompt) {
        return com.anthropic.models.beta.messages.batches.BatchCreateParams.Request.builder()
                .customId(id)
                .params(com.anthropic.models.beta.messages.batches.BatchCreateParams.Request.Params.builder()
                        .model(model)
                        .maxTokens(maxTokens)
                        .addUserMessage(prompt)
                        .build())
                .build();
    }

    @Test
    void listAutoPagesNewestFirstThroughTheEmptyTerminalPage() {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ids.add(0, create(request("r" + i, MODEL, 100, "hi")).id());
        }
        List<String> listed = new ArrayList<>();
        client.messages()
                .batches()
                .list(BatchListParams.builder().limit(2).build())
                .autoPager()
                .forEach(b -> listed.add(b.id()));
        assertThat(listed).containsSubsequence(ids);
        assertThat(listed.subList(0, 5)).containsExactlyElementsOf(ids);
        assertThat(listed).doesNotHaveDuplicates();
    }

    @Test
    void retrievePollingSeesTheBatchEndOnAFastClock() {
        try (Emulator fast = Emulator.builder().timeScale(10_000).build().start()) {
            AnthropicClient fastClient = AnthropicOkHttpClient.builder()
                    .apiKey("sk-test")
                    .baseUrl(fast.baseUrl())
                    .build();
            BatchCreateParams params = BatchCreateParams.builder()
                    .addRequest(request("a", MODEL, 500, "#emulate output_tokens=400"))
                    .addRequest(request("b", MODEL, 500, "hello"))
                    .build();
            MessageBatch created = fastClient.messages().batches().create(params);
            await().atMost(Duration.ofSeconds(20))
                    .pollInterval(Duration.ofMillis(50))
                    .until(() -> fastClient
                                    .messages()
                                    .batches()
                                    .retrieve(created.id())
                                    .processingStatus()
                            == MessageBatch.ProcessingStatus.ENDED);
            try (var s = fastClient.messages().batches().resultsStreaming(created.id())) {
                assertThat(s.stream().filter(r -> r.result().isSucceeded()).count())
                        .isEqualTo(2);
            }
        }
    }

    @Test
    void eachErrorStatusMapsToTheSdkExceptionType() {
        Map<Integer, Class<? extends Exception>> expected = Map.of(
                400, BadRequestException.class,
                401, UnauthorizedException.class,
                404, NotFoundException.class,
                409, ConflictException.class,
                413, ContentTooLargeException.class,
                429, RateLimitException.class,
                500, InternalServerException.class,
                529, OverloadedException.class);
        expected.forEach((status, type) -> {
            emulator.faults().script(Endpoint.LIST, Fault.status(status));
            assertThatThrownBy(() -> client.messages().batches().list())
                    .as("HTTP %d", status)
                    .isInstanceOf(type);
        });
        assertThat(emulator.faults().injectedCount()).isGreaterThanOrEqualTo(expected.size());
    }

    @Test
    void sdkRetriesTransientFaultsHonouringRetryAfter() {
        AnthropicClient retrying = AnthropicOkHttpClient.builder()
                .apiKey("sk-test")
                .baseUrl(emulator.baseUrl())
                .maxRetries(3)
                .build();
        try {
            long before = emulator.faults().injectedCount();
            emulator.faults()
                    .script(
                            Endpoint.CREATE,
                            Fault.status(429).withRetryAfter(Duration.ofMillis(10)),
                            Fault.status(529).withRetryAfter(Duration.ofMillis(10)),
                            Fault.dropConnection());
            MessageBatch b = retrying.messages()
                    .batches()
                    .create(BatchCreateParams.builder()
                            .addRequest(request("x", MODEL, 10, "hi"))
                            .build());
            assertThat(b.id()).startsWith("msgbatch_");
            assertThat(emulator.faults().injectedCount() - before).isEqualTo(3);
        } finally {
            retrying.close();
        }
    }

    @Test
    void wrongKeyIsUnauthorizedAndUnknownBatchIsNotFound() {
        try (Emulator locked = Emulator.builder().apiKey("right").build().start()) {
            AnthropicClient wrong = AnthropicOkHttpClient.builder()
                    .apiKey("wrong")
                    .baseUrl(locked.baseUrl())
                    .maxRetries(0)
                    .build();
            assertThatThrownBy(() -> wrong.messages().batches().list())
                    .isInstanceOf(UnauthorizedException.class)
                    .hasMessageContaining("invalid x-api-key");
            wrong.close();
        }
        assertThatThrownBy(() -> client.messages().batches().retrieve("msgbatch_01nope"))
                .isInstanceOf(NotFoundException.class)
                .hasMessageContaining("Message Batch msgbatch_01nope not found.");
    }
}
