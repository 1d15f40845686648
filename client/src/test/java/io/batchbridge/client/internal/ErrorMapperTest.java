package io.batchbridge.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.batchbridge.client.BatchesApiException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpHeaders;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ErrorMapperTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-22T10:00:00Z"), ZoneOffset.UTC);
    private final ErrorMapper mapper = new ErrorMapper(CLOCK);

    private static HttpHeaders headers(Map<String, String> h) {
        Map<String, List<String>> m = new java.util.HashMap<>();
        h.forEach((k, v) -> m.put(k, List.of(v)));
        return HttpHeaders.of(m, (a, b) -> true);
    }

    private static byte[] body(String type) {
        return ("{\"type\":\"error\",\"error\":{\"type\":\"" + type + "\",\"message\":\"msg " + type
                        + "\"},\"request_id\":\"req_body\"}")
                .getBytes(StandardCharsets.UTF_8);
    }

    @ParameterizedTest(name = "{0} {1} on {2}: retryable={3} outcomeUnknown={4}")
    @CsvSource({
        "400, invalid_request_error, retrieve, false, false",
        "401, authentication_error, retrieve, false, false",
        "403, permission_error, retrieve, false, false",
        "404, not_found_error, retrieve, false, false",
        "408, request_timeout, retrieve, true, false",
        "409, conflict_error, retrieve, true, false",
        "413, request_too_large, create, false, false",
        "429, rate_limit_error, retrieve, true, false",
        "500, api_error, retrieve, true, false",
        "502, api_error, list, true, false",
        "504, timeout_error, results, true, false",
        "529, overloaded_error, retrieve, true, false",
        "400, invalid_request_error, create, false, false",
        "429, rate_limit_error, create, true, false",
        "503, api_error, create, true, false",
        "529, overloaded_error, create, true, false",
        "500, api_error, create, false, true",
        "502, api_error, create, false, true",
        "504, timeout_error, create, false, true",
    })
    void mapsEachStatusToItsTypeAndRetryDecision(
            int status, String type, String op, boolean retryable, boolean unknown) {
        BatchesApiException e = mapper.fromResponse(op, status, headers(Map.of("request-id", "req_1")), body(type));

        assertThat(e.status()).isEqualTo(status);
        assertThat(e.errorType()).isEqualTo(type);
        assertThat(e.requestId()).isEqualTo("req_1");
        assertThat(e.getMessage()).contains("msg " + type).contains("req_1");
        assertThat(e.retryable()).isEqualTo(retryable);
        assertThat(e.outcomeUnknown()).isEqualTo(unknown);
    }

    @Test
    void shouldRetryHeaderOverridesTheStatusRule() {
        assertThat(mapper.fromResponse("retrieve", 400, headers(Map.of("x-should-retry", "true")), body("x"))
                        .retryable())
                .isTrue();
        assertThat(mapper.fromResponse("retrieve", 503, headers(Map.of("x-should-retry", "false")), body("x"))
                        .retryable())
                .isFalse();
        BatchesApiException create =
                mapper.fromResponse("create", 500, headers(Map.of("x-should-retry", "true")), body("x"));
        assertThat(create.retryable()).isTrue();
        assertThat(create.outcomeUnknown()).isFalse();
    }

    @Test
    void readsRetryAfterMsBeforeRetryAfterSecondsAndHttpDates() {
        assertThat(mapper.fromResponse(
                                "list", 429, headers(Map.of("retry-after-ms", "1500.5", "retry-after", "9")), body("x"))
                        .retryAfter())
                .contains(Duration.ofNanos(1_500_500_000));
        assertThat(mapper.fromResponse("list", 429, headers(Map.of("retry-after", "7")), body("x"))
                        .retryAfter())
                .contains(Duration.ofSeconds(7));
        assertThat(mapper.fromResponse(
                                "list", 429, headers(Map.of("retry-after", "Sun, 22 Nov 2026 10:00:30 GMT")), body("x"))
                        .retryAfter())
                .contains(Duration.ofSeconds(30));
        assertThat(mapper.fromResponse("list", 429, headers(Map.of("retry-after", "soon")), body("x"))
                        .retryAfter())
                .isEmpty();
    }

    @Test
    void nonJsonErrorBodyKeepsTheStatusTypeAndAShortExcerpt() {
        byte[] html = ("<html>413 Request Entity Too Large" + " ".repeat(500) + "tail</html>")
                .getBytes(StandardCharsets.UTF_8);
        BatchesApiException e = mapper.fromResponse("create", 413, headers(Map.of()), html);
        assertThat(e.errorType()).isEqualTo("request_too_large");
        assertThat(e.getMessage()).contains("413 Request Entity Too Large").doesNotContain("tail");
        assertThat(e.requestId()).isNull();
    }

    @Test
    void requestIdFallsBackToTheBody() {
        assertThat(mapper.fromResponse("list", 500, headers(Map.of()), body("api_error"))
                        .requestId())
                .isEqualTo("req_body");
    }

    @Test
    void createIsRetryableOnlyWhenTheConnectionWasNeverEstablished() {
        BatchesApiException refused = mapper.fromIo("create", new ConnectException("Connection refused"));
        assertThat(refused.retryable()).isTrue();
        assertThat(refused.outcomeUnknown()).isFalse();
        assertThat(refused.errorType()).isEqualTo(BatchesApiException.CONNECTION_ERROR);
        assertThat(mapper.fromIo("create", new HttpConnectTimeoutException("connect timed out"))
                        .retryable())
                .isTrue();

        BatchesApiException dropped = mapper.fromIo("create", new IOException("header parser received no bytes"));
        assertThat(dropped.retryable()).isFalse();
        assertThat(dropped.outcomeUnknown()).isTrue();
        assertThat(dropped.getMessage()).contains("outcome unknown");
        BatchesApiException timedOut = mapper.fromIo("create", new HttpTimeoutException("request timed out"));
        assertThat(timedOut.errorType()).isEqualTo(BatchesApiException.CALL_TIMEOUT);
        assertThat(timedOut.outcomeUnknown()).isTrue();
    }

    @Test
    void idempotentOperationsRetryEveryTransportFailure() {
        BatchesApiException e = mapper.fromIo("retrieve", new IOException("connection reset"));
        assertThat(e.retryable()).isTrue();
        assertThat(e.outcomeUnknown()).isFalse();
        assertThat(e.status()).isZero();
    }
}
