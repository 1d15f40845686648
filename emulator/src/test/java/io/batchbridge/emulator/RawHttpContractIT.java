package io.batchbridge.emulator;

import static io.batchbridge.emulator.RawHttp.batch;
import static io.batchbridge.emulator.RawHttp.item;
import static io.batchbridge.emulator.RawHttp.json;
import static io.batchbridge.emulator.RawHttp.post;
import static io.batchbridge.emulator.RawHttp.request;
import static io.batchbridge.emulator.RawHttp.send;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Exact bodies, messages, headers and framing over raw HTTP. */
@Timeout(60)
class RawHttpContractIT {
    static final String MODEL = "claude-sonnet-4-6";
    static final String TIMESTAMP = "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{6}Z";
    static Emulator emulator;

    @BeforeAll
    static void start() {
        emulator = Emulator.builder().build().start();
    }

    @AfterAll
    static void stop() {
        emulator.close();
    }

    static JsonNode create(String body) {
        HttpResponse<String> r = post(emulator, "/v1/messages/batches", body);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return json(r.body());
    }

    static void assertError(HttpResponse<String> r, int status, String type, String message) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        JsonNode body = json(r.body());
        assertThat(body.get("type").asText()).isEqualTo("error");
        assertThat(body.at("/error/type").asText()).isEqualTo(type);
        assertThat(body.at("/error/message").asText()).isEqualTo(message);
        assertThat(body.get("request_id").asText())
                .isEqualTo(r.headers().firstValue("request-id").orElseThrow());
    }

    static List<JsonNode> results(String id) {
        HttpResponse<String> r = send(RawHttp.get(emulator, "/v1/messages/batches/" + id + "/results"));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        List<JsonNode> out = new ArrayList<>();
        for (String line : r.body().split("\n")) {
            out.add(json(line));
        }
        return out;
    }

    @Test
    void createAnswersWithTheTenFieldBatchObjectIdsTimestampsAndHeaders() {
        HttpResponse<String> r = post(emulator, "/v1/messages/batches", batch(item("a", MODEL, 10, "hi")));
        JsonNode b = json(r.body());
        Set<String> fields = new TreeSet<>();
        b.fieldNames().forEachRemaining(fields::add);
        assertThat(fields)
                .containsExactlyInAnyOrder(
                        "id",
                        "type",
                        "processing_status",
                        "request_counts",
                        "ended_at",
                        "created_at",
                        "expires_at",
                        "archived_at",
                        "cancel_initiated_at",
                        "results_url");
        assertThat(b.get("id").asText()).matches("msgbatch_01[0-9A-Za-z]{22}");
        assertThat(b.get("type").asText()).isEqualTo("message_batch");
        assertThat(b.get("created_at").asText()).matches(TIMESTAMP);
        assertThat(b.get("expires_at").asText()).matches(TIMESTAMP);
        assertThat(b.get("results_url").isNull()).isTrue();
        assertThat(b.get("ended_at").isNull()).isTrue();
        assertThat(b.at("/request_counts/processing").asInt()).isEqualTo(1);
        assertThat(r.headers().firstValue("request-id").orElseThrow()).matches("req_01[0-9A-Za-z]{22}");
        assertThat(r.headers().firstValue("content-type")).contains("application/json");
        assertThat(r.headers().firstValue("anthropic-ratelimit-requests-limit")).isPresent();
        assertThat(r.headers().firstValue("anthropic-ratelimit-requests-remaining"))
                .isPresent();
        assertThat(r.headers().firstValue("anthropic-ratelimit-requests-reset").orElseThrow())
                .matches(TIMESTAMP);
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "{\"requests\":[]}|requests: List should have at least 1 item after validation, not 0",
                "{\"requests\":[{\"params\":{}}]}|requests.0.custom_id: Field required",
                "{\"requests\":[{\"custom_id\":\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\",\"params\":{}}]}"
                        + "|requests.0.custom_id: String should have at most 64 characters",
                "{\"requests\":[{\"custom_id\":\"a b\",\"params\":{}}]}"
                        + "|requests.0.custom_id: String should match pattern '^[a-zA-Z0-9_-]{1,64}$'",
                "{\"requests\":[{\"custom_id\":\"x\",\"params\":{}},{\"custom_id\":\"x\",\"params\":{}}]}"
                        + "|requests: custom_id's must be unique within a batch. Duplicate custom_id found: x",
                "{\"requests\":[{\"custom_id\":\"x\"}]}|requests.0.params: Field required",
                "{}|requests: Field required",
                "{\"color\":1,\"requests\":[]}|color: Extra inputs are not permitted",
            })
    void envelopeProblemsAreRejectedAtCreateWithTheDocumentedMessage(String body, String message) {
        assertError(post(emulator, "/v1/messages/batches", body), 400, "invalid_request_error", message);
    }

    @Test
    void bodyThatIsNotJsonIsRejectedAsInvalidJson() {
        HttpResponse<String> r = post(emulator, "/v1/messages/batches", "{\"requests\": [nope");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(json(r.body()).at("/error/message").asText()).startsWith("The request body is not valid JSON: ");
    }

    @Test
    void createAcceptsTopLevelUserProfileAndWorkspaceIds() {
        String body = "{\"user_profile_id\":\"up_1\",\"workspace_id\":\"wrkspc_1\",\"requests\":["
                + item("a", MODEL, 10, "hi") + "]}";
        assertThat(create(body).get("processing_status").asText()).isEqualTo("in_progress");
    }

    @Test
    void aHundredThousandRequestsAreAcceptedAndOneMoreIsRejected() {
        String one = "{\"custom_id\":\"r%d\",\"params\":{\"model\":\"" + MODEL
                + "\",\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}}";
        StringBuilder sb = new StringBuilder("{\"requests\":[");
        for (int i = 0; i < 100_000; i++) {
            sb.append(i == 0 ? "" : ",").append(String.format(one, i));
        }
        assertThat(create(sb + "]}").at("/request_counts/processing").asInt()).isEqualTo(100_000);
        sb.append(",").append(String.format(one, 100_000)).append("]}");
        assertError(
                post(emulator, "/v1/messages/batches", sb.toString()),
                400,
                "invalid_request_error",
                "requests: List should have at most 100000 items after validation, not 100001");
    }

    @Test
    void bodyOverTwoHundredFiftySixMegabytesIsRejectedWith413() {
        String head = "{\"requests\":[{\"custom_id\":\"a\",\"params\":{\"pad\":\"";
        String tail = "\",\"model\":\"" + MODEL + "\",\"max_tokens\":5,\"messages\":[]}}]}";
        long padding = 256L * 1024 * 1024 + 1;
        HttpRequest r = request(emulator, "/v1/messages/batches")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new PaddedBody(head, padding, tail)))
                .build();
        assertError(send(r), 413, "request_too_large", "Request exceeds the maximum allowed number of bytes.");
    }

    @Test
    void deferredValidationTurnsBadParamsIntoErroredLinesWithTheDocumentedMessages() {
        String body = batch(
                item("cap", "claude-haiku-4-5-20251001", 9_999_999, "hi"),
                item("zero", MODEL, 0, "hi"),
                "{\"custom_id\":\"stream\",\"params\":{\"model\":\"" + MODEL
                        + "\",\"max_tokens\":5,\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}}",
                "{\"custom_id\":\"nomsg\",\"params\":{\"model\":\"" + MODEL + "\",\"max_tokens\":5}}",
                item("model", "claude-does-not-exist-9", 5, "hi"),
                item("over", "claude-opus-4-6", 300_001, "hi"));
        HttpRequest r = request(emulator, "/v1/messages/batches")
                .header("anthropic-beta", "output-300k-2026-03-24")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        String id = json(send(r).body()).get("id").asText();
        emulator.advance(Duration.ofMinutes(5));
        List<JsonNode> lines = results(id);
        assertThat(lines).hasSize(6).allMatch(l -> l.at("/result/type").asText().equals("errored"));
        assertThat(message(lines, "cap"))
                .isEqualTo("max_tokens: 9999999 > 64000, which is the maximum allowed number of output tokens for "
                        + "claude-haiku-4-5-20251001");
        assertThat(message(lines, "zero")).isEqualTo("max_tokens: must be greater than or equal to 1");
        assertThat(message(lines, "stream")).isEqualTo("\"stream=True\" is not supported in the Message Batches API");
        assertThat(message(lines, "nomsg")).isEqualTo("messages: Field required");
        assertThat(message(lines, "model")).isEqualTo("model: claude-does-not-exist-9");
        assertThat(line(lines, "model").at("/result/error/error/type").asText()).isEqualTo("not_found_error");
        assertThat(message(lines, "over"))
                .isEqualTo("max_tokens: 300001 > 300000, which is the maximum allowed number of output tokens for "
                        + "claude-opus-4-6");
        JsonNode cap = line(lines, "cap").at("/result/error");
        assertThat(cap.get("type").asText()).isEqualTo("error");
        assertThat(cap.get("request_id").isNull()).isTrue();
        assertThat(cap.at("/error/type").asText()).isEqualTo("invalid_request_error");
    }

    @Test
    void withoutTheBetaTheStandardCapAppliesEvenToEligibleModels() {
        String id = create(batch(item("big", "claude-opus-4-6", 200_000, "hi")))
                .get("id")
                .asText();
        emulator.advance(Duration.ofMinutes(5));
        assertThat(message(results(id), "big"))
                .isEqualTo("max_tokens: 200000 > 128000, which is the maximum allowed number of output tokens for "
                        + "claude-opus-4-6");
    }

    static JsonNode line(List<JsonNode> lines, String customId) {
        return lines.stream()
                .filter(l -> l.get("custom_id").asText().equals(customId))
                .findFirst()
                .orElseThrow();
    }

    static String message(List<JsonNode> lines, String customId) {
        return line(lines, customId).at("/result/error/error/message").asText();
    }

    @Test
    void resultsAreJsonlLinesInAStableOrderThatIsNotRequestOrder() {
        List<String> items = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            ids.add("req-" + i);
            items.add(item("req-" + i, MODEL, 50, "Say something."));
        }
        String id = create(batch(items.toArray(String[]::new))).get("id").asText();
        HttpRequest get = RawHttp.get(emulator, "/v1/messages/batches/" + id + "/results");
        assertError(send(get), 404, "not_found_error", "Message Batch " + id + " has no available results.");
        emulator.advance(Duration.ofHours(1));

        HttpResponse<String> first = send(get);
        assertThat(first.headers().firstValue("content-type")).contains("application/x-jsonl");
        String body = first.body();
        assertThat(body).endsWith("\n").doesNotContain("\n\n");
        assertThat(send(get).body()).isEqualTo(body);
        List<String> order = new ArrayList<>();
        for (String line : body.split("\n")) {
            JsonNode l = json(line);
            order.add(l.get("custom_id").asText());
            JsonNode usage = l.at("/result/message/usage");
            assertThat(usage.get("service_tier").asText()).isEqualTo("batch");
            assertThat(usage.has("cache_creation_input_tokens")).isTrue();
            assertThat(usage.has("cache_read_input_tokens")).isTrue();
            assertThat(l.at("/result/message/content/0/text").asText())
                    .hasSize(4 * usage.get("output_tokens").asInt());
        }
        assertThat(order).containsExactlyInAnyOrderElementsOf(ids).isNotEqualTo(ids);
    }

    @Test
    void resultsUrlUsesTheHostAndPortTheClientUsed() {
        String id = create(batch(item("a", MODEL, 10, "hi"))).get("id").asText();
        emulator.advance(Duration.ofHours(1));
        String viaLocalhost = "http://localhost:" + emulator.port();
        HttpRequest r = HttpRequest.newBuilder(URI.create(viaLocalhost + "/v1/messages/batches/" + id))
                .header("x-api-key", "k")
                .header("anthropic-version", "2023-06-01")
                .build();
        assertThat(json(send(r).body()).get("results_url").asText())
                .isEqualTo(viaLocalhost + "/v1/messages/batches/" + id + "/results");
    }

    @Test
    void headersAuthenticationVersionAndBetasAreCheckedAsDocumented() {
        String list = "/v1/messages/batches?beta=true";
        assertError(
                send(RawHttp.bare(emulator, list)
                        .header("anthropic-version", "2023-06-01")
                        .build()),
                401,
                "authentication_error",
                "x-api-key header is required");
        assertError(
                send(RawHttp.bare(emulator, list)
                        .header("x-api-key", "")
                        .header("anthropic-version", "2023-06-01")
                        .build()),
                401,
                "authentication_error",
                "invalid x-api-key");
        assertError(
                send(RawHttp.bare(emulator, list).header("x-api-key", "k").build()),
                400,
                "invalid_request_error",
                "anthropic-version: header is required");
        for (String version : List.of("2023-06-01", "2023-01-01", "2026-10-21")) {
            HttpRequest bearer = RawHttp.bare(emulator, list)
                    .header("Authorization", "Bearer sk-test")
                    .header("anthropic-version", version)
                    .header("X-Stainless-Lang", "java")
                    .build();
            assertThat(send(bearer).statusCode()).isEqualTo(200);
        }
        HttpRequest betas = request(emulator, list)
                .header("anthropic-beta", "message-batches-2024-09-24,output-300k-2026-03-24")
                .header("anthropic-beta", "prompt-caching-2024-07-31")
                .build();
        assertThat(send(betas).statusCode()).isEqualTo(200);
        assertError(
                send(request(emulator, list)
                        .header("anthropic-beta", "output-300k-2026-03-24, bogus-2099-01-01")
                        .build()),
                400,
                "invalid_request_error",
                "Unexpected value(s) `bogus-2099-01-01` for the `anthropic-beta` header. Please consult our"
                        + " documentation at docs.claude.com or try again without the header.");
        HttpResponse<String> retired = send(request(emulator, list)
                .header("anthropic-beta", "context-1m-2025-08-07")
                .build());
        assertThat(retired.statusCode()).isEqualTo(400);
        assertThat(json(retired.body()).at("/error/message").asText()).contains("`context-1m-2025-08-07`");
    }

    @Test
    void listPagesNewestFirstWithCursorsAndAnEmptyTerminalPage() {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            ids.add(0, create(batch(item("a", MODEL, 10, "hi"))).get("id").asText());
        }
        JsonNode page =
                json(send(RawHttp.get(emulator, "/v1/messages/batches?limit=2")).body());
        assertThat(page.get("data")).hasSize(2);
        assertThat(page.at("/data/0/id").asText()).isEqualTo(ids.get(0));
        assertThat(page.get("first_id").asText()).isEqualTo(ids.get(0));
        assertThat(page.get("last_id").asText()).isEqualTo(ids.get(1));
        assertThat(page.get("has_more").asBoolean()).isTrue();

        JsonNode back = json(send(RawHttp.get(emulator, "/v1/messages/batches?limit=5&before_id=" + ids.get(2)))
                .body());
        assertThat(back.at("/data/0/id").asText()).isEqualTo(ids.get(0));
        assertThat(back.at("/data/1/id").asText()).isEqualTo(ids.get(1));
        assertThat(back.get("has_more").asBoolean()).isFalse();

        String oldest = lastId();
        JsonNode end = json(send(RawHttp.get(emulator, "/v1/messages/batches?after_id=" + oldest))
                .body());
        assertThat(end.get("data")).isEmpty();
        assertThat(end.get("has_more").asBoolean()).isFalse();
        assertThat(end.get("first_id").isNull()).isTrue();
        assertThat(end.get("last_id").isNull()).isTrue();

        assertError(
                send(RawHttp.get(emulator, "/v1/messages/batches?limit=0")),
                400,
                "invalid_request_error",
                "limit: Input should be greater than or equal to 1");
        assertError(
                send(RawHttp.get(emulator, "/v1/messages/batches?limit=1001")),
                400,
                "invalid_request_error",
                "limit: Input should be less than or equal to 1000");
    }

    private static String lastId() {
        String after = null;
        while (true) {
            String q = "/v1/messages/batches?limit=1000" + (after == null ? "" : "&after_id=" + after);
            JsonNode page = json(send(RawHttp.get(emulator, q)).body());
            if (!page.get("has_more").asBoolean()) {
                return page.get("last_id").asText();
            }
            after = page.get("last_id").asText();
        }
    }

    @Test
    void deleteOnlyOnceEndedAndThenTheBatchIsGone() {
        String id = create(batch(item("a", MODEL, 10, "hi"))).get("id").asText();
        HttpRequest delete =
                request(emulator, "/v1/messages/batches/" + id).DELETE().build();
        assertError(
                send(delete),
                400,
                "invalid_request_error",
                "In progress batches cannot be deleted. Consider canceling the batch instead.");
        emulator.advance(Duration.ofHours(1));
        JsonNode deleted = json(send(delete).body());
        assertThat(deleted.get("id").asText()).isEqualTo(id);
        assertThat(deleted.get("type").asText()).isEqualTo("message_batch_deleted");
        assertError(
                send(RawHttp.get(emulator, "/v1/messages/batches/" + id)),
                404,
                "not_found_error",
                "Message Batch " + id + " not found.");
    }

    @Test
    void resultsStopBeingAvailableTwentyNineDaysAfterCreation() {
        String id = create(batch(item("a", MODEL, 10, "hi"))).get("id").asText();
        emulator.advance(Duration.ofDays(30));
        JsonNode b =
                json(send(RawHttp.get(emulator, "/v1/messages/batches/" + id)).body());
        assertThat(b.get("archived_at").asText()).matches(TIMESTAMP);
        assertThat(b.get("processing_status").asText()).isEqualTo("ended");
        assertError(
                send(RawHttp.get(emulator, "/v1/messages/batches/" + id + "/results")),
                404,
                "not_found_error",
                "Message Batch " + id + " has no available results.");
    }

    @Test
    void unknownPathsAnswerWithTheErrorEnvelope() {
        assertError(send(RawHttp.get(emulator, "/v1/nothing")), 404, "not_found_error", "Not Found");
    }
}
