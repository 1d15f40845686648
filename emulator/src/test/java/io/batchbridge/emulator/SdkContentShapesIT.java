package io.batchbridge.emulator;

import static io.batchbridge.emulator.ParamsCases.HI;
import static io.batchbridge.emulator.ParamsCases.params;
import static org.assertj.core.api.Assertions.assertThat;

import com.anthropic.client.AnthropicClient;
import com.anthropic.models.messages.ContentBlock;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.StopReason;
import com.anthropic.models.messages.batches.BatchCreateParams;
import com.anthropic.models.messages.batches.MessageBatch;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Succeeded messages have the shape the request asks for, read through the official SDK: a {@code thinking}
 * block first when thinking is on, a {@code tool_use} block and {@code stop_reason: tool_use} when the tool
 * choice forces a call, the matched {@code stop_sequence}, and one text block otherwise.
 */
@Timeout(60)
class SdkContentShapesIT {
    private static final String TOOLS = ",\"tools\":[{\"name\":\"lookup\",\"input_schema\":{\"type\":\"object\"}}]";
    private static Emulator emulator;
    private static AnthropicClient client;
    private static Map<String, Message> messages;

    @BeforeAll
    static void createOneBatchOfEveryShape() {
        emulator = Emulator.builder().build().start();
        client = SdkFixtures.client(emulator);
        String say = "[{\"role\":\"user\",\"content\":\"hi #emulate output_tokens=100\"}]";
        BatchCreateParams body = BatchCreateParams.builder()
                .addRequest(SdkFixtures.request("plain", params(say, "")))
                .addRequest(SdkFixtures.request(
                        "thinking", params(say, ",\"thinking\":{\"type\":\"enabled\",\"budget_tokens\":1024}")))
                .addRequest(SdkFixtures.request("adaptive", params(say, ",\"thinking\":{\"type\":\"adaptive\"}")))
                .addRequest(
                        SdkFixtures.request("forced-tool", params(say, TOOLS + ",\"tool_choice\":{\"type\":\"any\"}")))
                .addRequest(SdkFixtures.request("auto-tool", params(say, TOOLS)))
                .addRequest(SdkFixtures.request(
                        "stop",
                        params(
                                "[{\"role\":\"user\",\"content\":\"hi #emulate stop_reason=stop_sequence\"}]",
                                ",\"stop_sequences\":[\"END\",\"STOP\"]")))
                .addRequest(SdkFixtures.request("hi", params(HI, "")))
                .addRequest(SdkFixtures.request(
                        "window",
                        params(
                                "claude-haiku-4-5",
                                64_000,
                                "[{\"role\":\"user\",\"content\":\"" + "a".repeat(720_000)
                                        + " #emulate output_tokens=50000\"}]",
                                "")))
                .build();
        MessageBatch batch = client.messages().batches().create(body);
        emulator.advance(Duration.ofHours(1));
        messages = SdkFixtures.results(client, batch.id()).entrySet().stream()
                .collect(Collectors.toMap(
                        Map.Entry::getKey,
                        e -> e.getValue().succeeded().orElseThrow().message()));
    }

    @AfterAll
    static void stop() {
        client.close();
        emulator.close();
    }

    private static List<String> types(String customId) {
        return messages.get(customId).content().stream()
                .map(b -> b.isThinking() ? "thinking" : b.isText() ? "text" : b.isToolUse() ? "tool_use" : "other")
                .toList();
    }

    @Test
    void aPlainRequestGetsOneTextBlockAndEndTurn() {
        assertThat(types("plain")).containsExactly("text");
        assertThat(messages.get("plain").stopReason()).contains(StopReason.END_TURN);
    }

    @Test
    void thinkingRequestsGetASignedThinkingBlockBeforeTheText() {
        for (String id : List.of("thinking", "adaptive")) {
            assertThat(types(id)).as(id).containsExactly("thinking", "text");
            ContentBlock thinking = messages.get(id).content().get(0);
            assertThat(thinking.asThinking().thinking()).isNotEmpty();
            assertThat(thinking.asThinking().signature()).isNotEmpty();
            assertThat(messages.get(id).usage().outputTokens()).isEqualTo(100);
        }
    }

    @Test
    void aForcedToolChoiceEndsInAToolUseOfThatTool() {
        assertThat(types("forced-tool")).containsExactly("text", "tool_use");
        ContentBlock call = messages.get("forced-tool").content().get(1);
        assertThat(call.asToolUse().name()).isEqualTo("lookup");
        assertThat(call.asToolUse().id()).startsWith("toolu_");
        assertThat(messages.get("forced-tool").stopReason()).contains(StopReason.TOOL_USE);
        assertThat(types("auto-tool")).as("auto may answer in text").containsExactly("text");
    }

    @Test
    void anOutputThatWouldOverflowTheContextWindowStopsAtItsEdge() {
        Message m = messages.get("window");
        assertThat(m.stopReason()).contains(StopReason.MODEL_CONTEXT_WINDOW_EXCEEDED);
        assertThat(m.usage().inputTokens() + m.usage().outputTokens()).isEqualTo(200_000);
        assertThat(m.usage().outputTokens()).isLessThan(50_000);
    }

    @Test
    void aStopSequenceStopNamesTheSequence() {
        assertThat(messages.get("stop").stopReason()).contains(StopReason.STOP_SEQUENCE);
        assertThat(messages.get("stop").stopSequence()).contains("END");
        assertThat(messages.get("hi").stopSequence()).isEmpty();
    }
}
