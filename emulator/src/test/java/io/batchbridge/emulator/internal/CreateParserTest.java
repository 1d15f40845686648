package io.batchbridge.emulator.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class CreateParserTest {
    static List<RequestFacts> parse(String json) throws IOException {
        return CreateParser.parse(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void keepsOnlyTheSmallFactsOfEachRequest() throws IOException {
        String params = "{\"system\":\"s\",\"model\":\"claude-opus-4-6\",\"tools\":[{\"name\":\"t\"}],\"max_tokens\":9,"
                + "\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        RequestFacts f = parse("{\"requests\":[{\"params\":" + params + ",\"custom_id\":\"a-1\"}]}")
                .get(0);
        assertThat(f.customId()).isEqualTo("a-1");
        assertThat(f.model()).isEqualTo("claude-opus-4-6");
        assertThat(f.maxTokens()).isEqualTo(9);
        assertThat(f.stream()).isTrue();
        assertThat(f.messages()).isEqualTo(1);
        assertThat(f.paramsBytes()).isEqualTo(params.length());
    }

    @Test
    void directiveComesFromTheLastUserMessageOnly() throws IOException {
        String messages = "[{\"role\":\"user\",\"content\":\"#emulate output_tokens=5\"},"
                + "{\"role\":\"assistant\",\"content\":\"#emulate output_tokens=6\"},"
                + "{\"content\":[{\"type\":\"image\",\"source\":{}},{\"type\":\"text\",\"text\":\"x #emulate outcome=expired\"}],"
                + "\"role\":\"user\"}]";
        RequestFacts f = parse("{\"requests\":[{\"custom_id\":\"a\",\"params\":{\"messages\":" + messages + "}}]}")
                .get(0);
        assertThat(f.directive().outcome()).isEqualTo("expired");
        assertThat(f.directive().outputTokens()).isEqualTo(-1);
    }

    @Test
    void lastUserMessageWithoutDirectiveClearsAnEarlierOne() throws IOException {
        String messages = "[{\"role\":\"user\",\"content\":\"#emulate output_tokens=5\"},"
                + "{\"role\":\"user\",\"content\":\"plain\"}]";
        assertThat(parse("{\"requests\":[{\"custom_id\":\"a\",\"params\":{\"messages\":" + messages + "}}]}")
                        .get(0)
                        .directive())
                .isNull();
    }

    @Test
    void nonObjectBodyAndTrailingGarbageAreRejected() {
        assertThatThrownBy(() -> parse("[1]")).isInstanceOf(ApiError.class);
        assertThatThrownBy(() -> parse("{\"requests\":[]} x")).isInstanceOf(Exception.class);
        assertThatThrownBy(() -> parse("{\"requests\":{}}")).hasMessage("requests: Input should be a valid list");
        assertThatThrownBy(() -> parse("{\"requests\":[{\"custom_id\":\"\",\"params\":{}}]}"))
                .hasMessage("requests.0.custom_id: String should have at least 1 character");
    }
}
