package io.batchbridge.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class CountTokensBodyTest {
    private static String body(String params) {
        return new String(CountTokensBody.fromParams(params.getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8);
    }

    @Test
    void keepsThePromptKeysAsTheirRawBytesAndDropsTheOnesCountTokensRefuses() {
        String params = "{\"model\":\"m\", \"max_tokens\": 100, \"temperature\":0.5,"
                + "\"system\": [ {\"type\":\"text\",\"text\":\"s\", \"cache_control\":{\"type\":\"ephemeral\"}} ],"
                + "\"metadata\":{\"user_id\":\"u\"},\"messages\":[{\"role\":\"user\",  \"content\":\"hi\"}],"
                + "\"stop_sequences\":[\"x\"],\"tools\":[],\"thinking\":{\"type\":\"disabled\"}}";

        assertThat(body(params))
                .isEqualTo("{\"model\":\"m\",\"system\":[ {\"type\":\"text\",\"text\":\"s\","
                        + " \"cache_control\":{\"type\":\"ephemeral\"}} ],\"messages\":[{\"role\":\"user\","
                        + "  \"content\":\"hi\"}],\"tools\":[],\"thinking\":{\"type\":\"disabled\"}}");
    }

    @Test
    void paramsWithoutPromptKeysGiveAnEmptyObject() {
        assertThat(body("{\"max_tokens\":1}")).isEqualTo("{}");
    }

    @Test
    void refusesWhatIsNotAnObject() {
        assertThatThrownBy(() -> body("[1]")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> body("{\"a\":")).isInstanceOf(IllegalArgumentException.class);
    }
}
