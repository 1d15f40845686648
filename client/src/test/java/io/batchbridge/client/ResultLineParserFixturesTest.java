package io.batchbridge.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.batchbridge.client.internal.ResultLineParser;
import io.batchbridge.common.model.TokenUsage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ResultLineParserFixturesTest {
    private final ResultLineParser parser = new ResultLineParser();

    private static final String MESSAGE = "{\"id\":\"msg_014V\",\"type\":\"message\",\"role\":\"assistant\","
            + "\"model\":\"claude-haiku-4-5-20251001\",\"content\":[{\"type\":\"text\",\"text\":\"h\\u00e9 日本 {\\\"x\\\":}\"}],"
            + "\"stop_reason\":\"max_tokens\",\"stop_sequence\":null,\"future\":{\"a\":[1.50,2e3]},"
            + "\"usage\":{\"input_tokens\":16,\"cache_creation_input_tokens\":30,\"cache_read_input_tokens\":7,"
            + "\"cache_creation\":{\"ephemeral_5m_input_tokens\":10,\"ephemeral_1h_input_tokens\":20},"
            + "\"output_tokens\":5,\"service_tier\":\"batch\"}}";

    private ResultLine parse(String line) throws IOException {
        // embed in a larger buffer to prove offsets are handled
        byte[] pre = "garbage\n".getBytes(StandardCharsets.UTF_8);
        byte[] body = line.getBytes(StandardCharsets.UTF_8);
        byte[] buf = new byte[pre.length + body.length + 5];
        System.arraycopy(pre, 0, buf, 0, pre.length);
        System.arraycopy(body, 0, buf, pre.length, body.length);
        return parser.parse(buf, pre.length, body.length);
    }

    @Test
    void succeededLineKeepsTheMessageBytesExactlyAndReadsRoutingFacts() throws IOException {
        ResultLine line =
                parse("{\"custom_id\":\"s0-p3-o42\",\"result\":{\"type\":\"succeeded\",\"message\":" + MESSAGE + "}}");

        assertThat(line.customId()).isEqualTo("s0-p3-o42");
        assertThat(line.type()).isEqualTo(ResultType.SUCCEEDED);
        assertThat(new String(line.message(), StandardCharsets.UTF_8)).isEqualTo(MESSAGE);
        assertThat(line.model()).isEqualTo("claude-haiku-4-5-20251001");
        assertThat(line.stopReason()).isEqualTo("max_tokens");
        assertThat(line.truncated()).isTrue();
        assertThat(line.usage()).isEqualTo(new Usage(16, 5, 30, 10, 20, 7));
        assertThat(line.usage().toTokenUsage()).isEqualTo(new TokenUsage(16, 5, 10, 20, 7));
        assertThat(line.toString()).doesNotContain("日本");
    }

    @Test
    void fieldOrderDoesNotMatter() throws IOException {
        ResultLine line =
                parse("{\"result\":{\"message\":" + MESSAGE + ",\"type\":\"succeeded\"},\"custom_id\":\"late\"}");
        assertThat(line.customId()).isEqualTo("late");
        assertThat(line.type()).isEqualTo(ResultType.SUCCEEDED);
        assertThat(new String(line.message(), StandardCharsets.UTF_8)).isEqualTo(MESSAGE);
    }

    @Test
    void cacheWritesWithoutTtlSplitCountAsFiveMinuteWrites() throws IOException {
        ResultLine line = parse("{\"custom_id\":\"a\",\"result\":{\"type\":\"succeeded\",\"message\":{\"model\":\"m\","
                + "\"stop_reason\":\"end_turn\",\"usage\":{\"input_tokens\":1,\"output_tokens\":2,"
                + "\"cache_creation_input_tokens\":40,\"cache_read_input_tokens\":null,\"cache_creation\":null}}}}");
        assertThat(line.usage().toTokenUsage()).isEqualTo(new TokenUsage(1, 2, 40, 0, 0));
        assertThat(line.truncated()).isFalse();
    }

    @Test
    void erroredLineCarriesTheInnerErrorTypeAndMessage() throws IOException {
        ResultLine line = parse("{\"custom_id\":\"b\",\"result\":{\"type\":\"errored\",\"error\":{\"type\":\"error\","
                + "\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\",\"details\":{\"x\":1}},"
                + "\"request_id\":null}}}");
        assertThat(line.type()).isEqualTo(ResultType.ERRORED);
        assertThat(line.errorType()).isEqualTo("overloaded_error");
        assertThat(line.errorMessage()).isEqualTo("Overloaded");
        assertThat(line.message()).isNull();
        assertThat(line.usage()).isEqualTo(Usage.ZERO);
    }

    @Test
    void canceledExpiredAndUnknownTypesAreRecognised() throws IOException {
        assertThat(parse("{\"custom_id\":\"c\",\"result\":{\"type\":\"canceled\"}}")
                        .type())
                .isEqualTo(ResultType.CANCELED);
        assertThat(parse("{\"custom_id\":\"d\",\"result\":{\"type\":\"expired\"}}")
                        .type())
                .isEqualTo(ResultType.EXPIRED);
        assertThat(parse("{\"custom_id\":\"e\",\"result\":{\"type\":\"deferred\",\"x\":[1]}}")
                        .type())
                .isEqualTo(ResultType.UNKNOWN);
    }

    @Test
    void malformedLinesAndLinesWithoutCustomIdAreRejected() {
        assertThatThrownBy(() -> parse("{\"custom_id\":\"a\",\"result\":{\"type\":"))
                .isInstanceOf(IOException.class);
        assertThatThrownBy(() -> parse("[1,2]")).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> parse("{\"result\":{\"type\":\"canceled\"}}")).hasMessageContaining("custom_id");
    }
}
