package io.batchbridge.cli.estimate;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PromptScanTest {
    private static final String SYSTEM = "[{\"type\":\"text\",\"text\":\"" + "s".repeat(4000) + "\"}]";
    private static final String CACHED_SYSTEM =
            "[{\"type\":\"text\",\"text\":\"" + "s".repeat(4000) + "\",\"cache_control\":{\"type\":\"ephemeral\"}}]";

    private static PromptScan.Prompt scan(String params) {
        return PromptScan.scan(params.getBytes(UTF_8));
    }

    private static String params(String system, String question) {
        return "{\"model\":\"claude-sonnet-4-6\",\"max_tokens\":64,\"system\":" + system
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"" + question + "\"}]}";
    }

    @Test
    void thePromptIsToolsSystemAndMessagesWithoutTheCacheControlValues() {
        String messages = "[{\"role\":\"user\",\"content\":\"q1\"}]";

        PromptScan.Prompt p = scan(params(CACHED_SYSTEM, "q1"));

        assertThat(p.model()).isEqualTo("claude-sonnet-4-6");
        assertThat(p.maxTokens()).isEqualTo(64);
        assertThat(p.promptBytes()).isEqualTo(SYSTEM.length() + messages.length());
        assertThat(p.localTokens()).isEqualTo((SYSTEM.length() + messages.length()) / 4);
        assertThat(p.breakpoints()).hasSize(1);
        assertThat(p.breakpoints().get(0).tokens()).isEqualTo((SYSTEM.length() - 2) / 4); // up to the block's end
        assertThat(p.breakpoints().get(0).oneHour()).isFalse();
    }

    @Test
    void requestsSharingTheTextUpToTheBreakpointShareItsKeyWhateverFollows() {
        PromptScan.Breakpoint a =
                scan(params(CACHED_SYSTEM, "q1")).breakpoints().get(0);
        PromptScan.Breakpoint b =
                scan(params(CACHED_SYSTEM, "another question")).breakpoints().get(0);
        PromptScan.Breakpoint other = scan(params(CACHED_SYSTEM.replace("ssss\"", "sssx\""), "q1"))
                .breakpoints()
                .get(0);

        assertThat(a.key()).isEqualTo(b.key());
        assertThat(other.key()).isNotEqualTo(a.key());
    }

    @Test
    void aTopLevelCacheControlIsABreakpointAtTheEndOfTheMessagesWithItsTtl() {
        String params = "{\"model\":\"claude-sonnet-4-6\",\"max_tokens\":1,\"cache_control\":{\"type\":\"ephemeral\","
                + "\"ttl\":\"1h\"},\"messages\":[{\"role\":\"user\",\"content\":\"" + "m".repeat(100) + "\"}]}";

        PromptScan.Prompt p = scan(params);

        assertThat(p.breakpoints()).hasSize(1);
        assertThat(p.breakpoints().get(0).oneHour()).isTrue();
        assertThat(p.breakpoints().get(0).tokens()).isEqualTo(p.promptBytes() / 4);
    }

    @Test
    void aModelThatIsNotAStringOrAMissingMaxTokensIsNull() {
        PromptScan.Prompt p = scan("{\"model\":5,\"messages\":[]}");

        assertThat(p.model()).isNull();
        assertThat(p.maxTokens()).isNull();
        assertThatThrownBy(() -> scan("[]")).isInstanceOf(IllegalArgumentException.class);
    }
}
