package io.batchbridge.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.anthropic.client.AnthropicClient;
import com.anthropic.models.messages.CacheControlEphemeral;
import com.anthropic.models.messages.CacheCreation;
import com.anthropic.models.messages.MessageCountTokensParams;
import com.anthropic.models.messages.TextBlockParam;
import com.anthropic.models.messages.Usage;
import com.anthropic.models.messages.batches.BatchCreateParams;
import com.anthropic.models.messages.batches.MessageBatch;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The prompt-cache model seen through the official SDK: usage fields of results as the API fills them, and
 * {@code POST /v1/messages/count_tokens} answering the total input a result then bills.
 */
@Timeout(60)
class PromptCacheIT {
    private static final String MODEL = "claude-sonnet-4-6";
    private static final String CONTEXT = "shared context. ".repeat(1_000); // 16,000 bytes: about 4,000 tokens
    private static Emulator emulator;
    private static AnthropicClient client;

    @BeforeAll
    static void start() {
        emulator = Emulator.builder().build().start();
        client = SdkFixtures.client(emulator);
    }

    @AfterAll
    static void stop() {
        client.close();
        emulator.close();
    }

    /** The shared context, different per TTL so the two tests do not read each other's entries. */
    private static List<TextBlockParam> system(CacheControlEphemeral.Ttl ttl) {
        return List.of(TextBlockParam.builder()
                .text(ttl.asString() + " " + CONTEXT)
                .cacheControl(CacheControlEphemeral.builder().ttl(ttl).build())
                .build());
    }

    private static Usage runOne(String customId, CacheControlEphemeral.Ttl ttl, String question) {
        MessageBatch batch = client.messages()
                .batches()
                .create(BatchCreateParams.builder()
                        .addRequest(BatchCreateParams.Request.builder()
                                .customId(customId)
                                .params(BatchCreateParams.Request.Params.builder()
                                        .model(MODEL)
                                        .maxTokens(200)
                                        .systemOfTextBlockParams(system(ttl))
                                        .addUserMessage(question)
                                        .build())
                                .build())
                        .build());
        emulator.advance(Duration.ofMinutes(1));
        return SdkFixtures.results(client, batch.id())
                .get(customId)
                .succeeded()
                .orElseThrow()
                .message()
                .usage();
    }

    private static long countTokens(CacheControlEphemeral.Ttl ttl, String question) {
        return client.messages()
                .countTokens(MessageCountTokensParams.builder()
                        .model(MODEL)
                        .systemOfTextBlockParams(system(ttl))
                        .addUserMessage(question)
                        .build())
                .inputTokens();
    }

    private static long total(Usage u) {
        return u.inputTokens()
                + u.cacheCreationInputTokens().orElse(0L)
                + u.cacheReadInputTokens().orElse(0L);
    }

    @Test
    void aLaterBatchReadsWhatAnEarlierOneWroteWithTheUsageFieldsTheApiReports() {
        Usage write = runOne("writer", CacheControlEphemeral.Ttl.TTL_1H, "First question?");
        Usage read = runOne("reader", CacheControlEphemeral.Ttl.TTL_1H, "Second question?");

        long prefix = write.cacheCreationInputTokens().orElseThrow();
        assertThat(prefix).isBetween(4_000L, 4_100L);
        assertThat(write.cacheReadInputTokens()).contains(0L);
        CacheCreation split = write.cacheCreation().orElseThrow();
        assertThat(split.ephemeral1hInputTokens()).isEqualTo(prefix);
        assertThat(split.ephemeral5mInputTokens()).isZero();
        assertThat(write.inputTokens()).as("only the uncached question").isLessThan(40);

        assertThat(read.cacheReadInputTokens()).contains(prefix);
        assertThat(read.cacheCreationInputTokens()).contains(0L);
        assertThat(read.cacheCreation().orElseThrow().ephemeral1hInputTokens()).isZero();

        assertThat(countTokens(CacheControlEphemeral.Ttl.TTL_1H, "First question?"))
                .as("count_tokens answers the total input the result bills")
                .isEqualTo(total(write));
        assertThat(countTokens(CacheControlEphemeral.Ttl.TTL_1H, "Second question?"))
                .isEqualTo(total(read));
    }

    @Test
    void fiveMinuteWritesAreReportedAsSuchAndExpireOnTheSimulatedClock() {
        Usage first = runOne("five-a", CacheControlEphemeral.Ttl.TTL_5M, "Third question?");
        emulator.advance(Duration.ofMinutes(10));
        Usage again = runOne("five-b", CacheControlEphemeral.Ttl.TTL_5M, "Fourth question?");

        assertThat(first.cacheCreation().orElseThrow().ephemeral5mInputTokens())
                .isEqualTo(first.cacheCreationInputTokens().orElseThrow())
                .isPositive();
        assertThat(again.cacheReadInputTokens())
                .as("expired after 5 minutes unused")
                .contains(0L);
        assertThat(again.cacheCreationInputTokens()).isEqualTo(first.cacheCreationInputTokens());
    }

    @Test
    void countTokensChecksItsBodyLikeTheApi() {
        String messages = "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]";
        HttpResponse<String> ok =
                RawHttp.post(emulator, "/v1/messages/count_tokens", "{\"model\":\"" + MODEL + "\"," + messages + "}");
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(RawHttp.json(ok.body()).path("input_tokens").asLong()).isPositive();
        assertThat(RawHttp.json(ok.body()).size()).isEqualTo(1);

        assertError(
                RawHttp.post(
                        emulator,
                        "/v1/messages/count_tokens",
                        "{\"model\":\"" + MODEL + "\",\"max_tokens\":10," + messages + "}"),
                400,
                "invalid_request_error",
                "max_tokens: Extra inputs are not permitted");
        assertError(
                RawHttp.post(emulator, "/v1/messages/count_tokens", "{\"model\":\"" + MODEL + "\"}"),
                400,
                "invalid_request_error",
                "messages: Field required");
        assertError(
                RawHttp.post(
                        emulator,
                        "/v1/messages/count_tokens",
                        "{\"model\":\"" + MODEL + "\",\"messages\":[{\"role\":\"robot\",\"content\":\"x\"}]}"),
                400,
                "invalid_request_error",
                "messages.0.role: Input should be 'user' or 'assistant'");
        assertError(
                RawHttp.post(emulator, "/v1/messages/count_tokens", "{\"model\":\"claude-nope-1\"," + messages + "}"),
                404,
                "not_found_error",
                "model: claude-nope-1");
        assertThat(RawHttp.send(RawHttp.get(emulator, "/v1/messages/count_tokens"))
                        .statusCode())
                .isEqualTo(405);
    }

    private static void assertError(HttpResponse<String> r, int status, String type, String message) {
        assertThat(r.statusCode()).isEqualTo(status);
        JsonNode error = RawHttp.json(r.body()).path("error");
        assertThat(error.path("type").asText()).isEqualTo(type);
        assertThat(error.path("message").asText()).isEqualTo(message);
    }
}
