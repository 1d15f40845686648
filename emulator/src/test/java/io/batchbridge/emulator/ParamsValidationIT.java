package io.batchbridge.emulator;

import static io.batchbridge.emulator.RawHttp.json;
import static io.batchbridge.emulator.RawHttp.post;
import static io.batchbridge.emulator.RawHttp.send;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Deferred {@code params} validation over raw HTTP: every request of {@link ParamsCases#REFUSED} ends as an
 * {@code errored} line with {@code invalid_request_error} and its message, while the request using every
 * accepted shape succeeds; the batch itself is accepted (200), as on the real API.
 */
@Timeout(60)
class ParamsValidationIT {
    private static Emulator emulator;
    private static final Map<String, JsonNode> LINES = new HashMap<>();

    @BeforeAll
    static void createOneBatchOfEveryCase() {
        emulator = Emulator.builder().build().start();
        StringBuilder body = new StringBuilder("{\"requests\":[");
        for (ParamsCases.Case c : ParamsCases.REFUSED) {
            body.append("{\"custom_id\":\"")
                    .append(c.customId())
                    .append("\",\"params\":")
                    .append(c.params())
                    .append("},");
        }
        body.append("{\"custom_id\":\"accepted\",\"params\":")
                .append(ParamsCases.ACCEPTED)
                .append("}]}");
        HttpResponse<String> created = post(emulator, "/v1/messages/batches", body.toString());
        assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
        emulator.advance(Duration.ofHours(1));
        String id = json(created.body()).get("id").asText();
        HttpResponse<String> r = send(RawHttp.get(emulator, "/v1/messages/batches/" + id + "/results"));
        for (String line : r.body().split("\n")) {
            JsonNode l = json(line);
            LINES.put(l.get("custom_id").asText(), l.get("result"));
        }
    }

    @AfterAll
    static void stop() {
        emulator.close();
    }

    static Stream<ParamsCases.Case> refused() {
        return ParamsCases.REFUSED.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refused")
    void refusedParamsEndAsAnErroredLineWithTheMessage(ParamsCases.Case c) {
        JsonNode result = LINES.get(c.customId());
        assertThat(result.get("type").asText()).as(result.toString()).isEqualTo("errored");
        assertThat(result.at("/error/error/type").asText()).isEqualTo("invalid_request_error");
        String message = result.at("/error/error/message").asText();
        assertThat(c.matches(message)).as(message + " should be " + c.message()).isTrue();
        assertThat(result.at("/error/request_id").isNull()).isTrue();
    }

    @Test
    void everyAcceptedShapeSucceeds() {
        assertThat(LINES.get("accepted").get("type").asText())
                .as(LINES.get("accepted").toString())
                .isEqualTo("succeeded");
        assertThat(LINES).hasSize(ParamsCases.REFUSED.size() + 1);
        assertThat(List.copyOf(LINES.keySet())).contains("accepted");
    }
}
