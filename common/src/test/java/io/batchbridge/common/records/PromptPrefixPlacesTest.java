package io.batchbridge.common.records;

import static io.batchbridge.common.records.PromptPrefixTest.BIG;
import static io.batchbridge.common.records.PromptPrefixTest.CC;
import static io.batchbridge.common.records.PromptPrefixTest.prefix;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * A {@code cache_control} key is a breakpoint only where the Messages API takes one (on an element of tools, of
 * system, of a message's content, of a tool_result's content; or at the top level); anywhere else it is the
 * producer's data: hashed, never a breakpoint, never rewritten.
 */
class PromptPrefixPlacesTest {
    /** A user object that happens to look like a breakpoint. */
    private static final String LOOKALIKE = "\"cache_control\":{\"type\":\"ephemeral\"}";

    private static final String LOOKALIKE_2 = "\"cache_control\":{\"type\":\"ephemeral\",\"note\":\"other\"}";

    private static String tool(String schemaProperties, String cc) {
        return "{\"name\":\"lookup\",\"description\":\"" + BIG + "\",\"input_schema\":{\"type\":\"object\","
                + "\"properties\":{" + schemaProperties + "}}" + (cc == null ? "" : "," + cc) + "}";
    }

    private static String withTools(String tools, String system) {
        return "{\"model\":\"m\",\"max_tokens\":10,\"tools\":[" + tools + "]"
                + (system == null ? "" : ",\"system\":" + system)
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"q\"}]}";
    }

    private static String conversation(String input, String resultContent) {
        return "{\"model\":\"m\",\"max_tokens\":10,\"system\":\"" + BIG + "\",\"messages\":["
                + "{\"role\":\"user\",\"content\":\"look it up\"},"
                + "{\"role\":\"assistant\",\"content\":[{\"type\":\"tool_use\",\"id\":\"tu_1\",\"name\":\"lookup\","
                + "\"input\":" + input + "}]},"
                + "{\"role\":\"user\",\"content\":[{\"type\":\"tool_result\",\"tool_use_id\":\"tu_1\",\"content\":"
                + resultContent + "},{\"type\":\"text\",\"text\":\"and so?\"," + CC + "}]}]}";
    }

    /** The 1-hour rewrite of {@code params}: must change the real breakpoints only. */
    private static String primed(String params) throws InvalidRecordException {
        return new String(prefix(params).withOneHourTtl(params.getBytes(UTF_8)), UTF_8);
    }

    @Test
    void aToolSchemaPropertyNamedCacheControlIsNotABreakpointButHashedAndKept() throws Exception {
        String property = LOOKALIKE.replace("{\"type\":\"ephemeral\"}", "{\"type\":\"object\"}");
        assertThat(prefix(withTools(tool(property, null), null)))
                .as("no real breakpoint, no fingerprint")
                .isEqualTo(PromptPrefix.NONE);

        String one = withTools(tool(property, CC), null);
        String other = withTools(tool(property.replace("object", "string"), CC), null);
        PromptPrefix p = prefix(one);
        assertThat(p.present()).isTrue();
        assertThat(p.breakpoints()).as("the tool's own cache_control only").hasSize(2);
        assertThat(prefix(other).fingerprint())
                .as("the property is part of the prompt")
                .isNotEqualTo(p.fingerprint());

        String rewritten = primed(one);
        assertThat(rewritten)
                .isEqualTo(one.replace("}}}," + CC, "}}},\"cache_control\":{\"type\":\"ephemeral\",\"ttl\":\"1h\"}"));
        assertThat(rewritten).contains("\"properties\":{" + property + "}");
    }

    @Test
    void cacheControlDirectlyInAnInputSchemaOrOnAMessageIsData() throws Exception {
        String schemaLevel = "{\"name\":\"t\",\"input_schema\":{\"type\":\"object\"," + LOOKALIKE + "}}";
        assertThat(prefix(withTools(schemaLevel, null))).isEqualTo(PromptPrefix.NONE);
        String onMessage = "{\"model\":\"m\",\"max_tokens\":10,\"messages\":[{\"role\":\"user\",\"content\":\"q\","
                + LOOKALIKE + "}]}";
        assertThat(prefix(onMessage)).as("a message is not a block").isEqualTo(PromptPrefix.NONE);
    }

    @Test
    void aToolUseInputWithACacheControlObjectIsNotABreakpointButHashedAndKept() throws Exception {
        String input = "{\"query\":\"x\"," + LOOKALIKE + "}";
        String result = "\"found\"";
        String params = conversation(input, result);
        PromptPrefix p = prefix(params);

        assertThat(p.breakpoints()).as("the last text block's only").hasSize(2);
        assertThat(prefix(conversation("{\"query\":\"x\"," + LOOKALIKE_2 + "}", result))
                        .fingerprint())
                .as("the input is part of the prompt")
                .isNotEqualTo(p.fingerprint());
        assertThat(primed(params)).contains("\"input\":" + input);

        String inputOnly = "{\"model\":\"m\",\"max_tokens\":10,\"messages\":[{\"role\":\"assistant\",\"content\":["
                + "{\"type\":\"tool_use\",\"id\":\"tu_1\",\"name\":\"t\",\"input\":" + input + "}]}]}";
        assertThat(prefix(inputOnly)).isEqualTo(PromptPrefix.NONE);
    }

    @Test
    void nestedUserJsonIsNotABreakpointButHashedAndKept() throws Exception {
        String nested = "{\"type\":\"text\",\"text\":\"a\",\"citations\":[{\"type\":\"char_location\",\"doc\":{"
                + LOOKALIKE + "}," + LOOKALIKE + "}]}";
        String system = "[" + nested + ",{\"type\":\"text\",\"text\":\"" + BIG + "\"," + CC + "}]";
        String params = withTools(tool("", null), system);
        PromptPrefix p = prefix(params);

        assertThat(p.breakpoints()).as("the second system block's only").hasSize(2);
        assertThat(prefix(withTools(tool("", null), system.replace("char_location", "page_location")))
                        .fingerprint())
                .isNotEqualTo(p.fingerprint());
        assertThat(prefix(withTools(tool("", null), system.replaceFirst("ephemeral", "persistent")))
                        .fingerprint())
                .as("the look-alike's value is hashed too")
                .isNotEqualTo(p.fingerprint());
        String rewritten = primed(params);
        assertThat(rewritten).contains(nested);
        assertThat(rewritten).contains("\"cache_control\":{\"type\":\"ephemeral\",\"ttl\":\"1h\"}}]");

        String onlyNested = withTools(tool("", null), "[" + nested + "]");
        assertThat(prefix(onlyNested)).isEqualTo(PromptPrefix.NONE);
        String inAToolResultsNestedBlockData =
                conversation("{}", "[{\"type\":\"text\",\"text\":\"r\",\"extra\":{\"deep\":[{" + LOOKALIKE + "}]}}]");
        assertThat(prefix(inAToolResultsNestedBlockData).breakpoints()).hasSize(2);
    }

    @Test
    void aBlockInAToolResultsContentIsABreakpointWhereverTheTypeIs() throws Exception {
        String typeFirst = "{\"model\":\"m\",\"max_tokens\":10,\"messages\":[{\"role\":\"user\",\"content\":["
                + "{\"type\":\"tool_result\",\"tool_use_id\":\"tu_1\",\"content\":[{\"type\":\"text\",\"text\":\""
                + BIG + "\"," + CC + "}]}]}]}";
        String typeLast = "{\"model\":\"m\",\"max_tokens\":10,\"messages\":[{\"role\":\"user\",\"content\":["
                + "{\"tool_use_id\":\"tu_1\",\"content\":[{\"type\":\"text\",\"text\":\"" + BIG + "\"," + CC
                + "}],\"type\":\"tool_result\"}]}]}";
        String otherBlock = typeLast.replace("tool_result", "search_result");
        String otherBlockTypeFirst = typeFirst.replace("tool_result", "search_result");

        assertThat(prefix(typeFirst).present()).isTrue();
        assertThat(prefix(typeLast).present()).isTrue();
        assertThat(primed(typeLast))
                .isEqualTo(typeLast.replace(CC, "\"cache_control\":{\"type\":\"ephemeral\",\"ttl\":\"1h\"}"));
        assertThat(prefix(otherBlock))
                .as("only a tool_result's content holds blocks")
                .isEqualTo(PromptPrefix.NONE);
        assertThat(prefix(otherBlockTypeFirst)).isEqualTo(PromptPrefix.NONE);

        String realBlock = "{\"type\":\"text\",\"text\":\"t\"," + CC + "}";
        String dropped = otherBlock.replace("\"search_result\"}", "\"search_result\"}," + realBlock);
        PromptPrefix p = prefix(dropped);
        assertThat(p.breakpoints())
                .as("the look-alike is dropped, the real one kept")
                .hasSize(2);
        assertThat(prefix(dropped.replaceFirst("ephemeral", "other")).fingerprint())
                .as("and the dropped look-alike is hashed")
                .isNotEqualTo(p.fingerprint());
        assertThat(primed(dropped))
                .isEqualTo(dropped.replace(
                        realBlock, realBlock.replace(CC, "\"cache_control\":{\"type\":\"ephemeral\",\"ttl\":\"1h\"}")));
    }
}
