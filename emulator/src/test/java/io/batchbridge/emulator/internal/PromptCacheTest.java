package io.batchbridge.emulator.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.batchbridge.common.model.ModelCatalogue;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PromptCacheTest {
    private static final ModelCatalogue CATALOGUE = ModelCatalogue.defaults();
    private static final long MINUTE = 60_000_000L;
    private static final String A = "a".repeat(8_000); // 2,000 tokens
    private static final String B = "b".repeat(8_000);
    private final Planner planner = new Planner(CATALOGUE, OutputProfile.DEFAULT, 42);
    private PromptCache cache = new PromptCache(CATALOGUE, 0.3);
    private int batches;

    static String block(String text, String cacheControl) {
        return "{\"type\":\"text\",\"text\":\"" + text + "\""
                + (cacheControl == null ? "" : ",\"cache_control\":" + cacheControl) + "}";
    }

    static final String EPHEMERAL = "{\"type\":\"ephemeral\"}";
    static final String HOUR = "{\"type\":\"ephemeral\",\"ttl\":\"1h\"}";

    static String params(String model, String system, String question) {
        return "{\"model\":\"" + model + "\",\"max_tokens\":100,\"system\":[" + system
                + "],\"messages\":[{\"role\":\"user\",\"content\":\"" + question + "\"}]}";
    }

    /** Plans and caches one batch of the given params at {@code createdMicros}; returns its plans in order. */
    private PlannedRequest[] batch(long createdMicros, List<String> params) throws IOException {
        StringBuilder body = new StringBuilder("{\"requests\":[");
        for (int i = 0; i < params.size(); i++) {
            body.append(i == 0 ? "" : ",")
                    .append("{\"custom_id\":\"r")
                    .append(i)
                    .append("\",\"params\":")
                    .append(params.get(i))
                    .append('}');
        }
        body.append("]}");
        List<RequestFacts> facts =
                CreateParser.parse(new ByteArrayInputStream(body.toString().getBytes(StandardCharsets.UTF_8)));
        String id = "msgbatch_" + (batches++);
        PlannedRequest[] plans = new PlannedRequest[facts.size()];
        for (int i = 0; i < plans.length; i++) {
            plans[i] = planner.plan(id, List.of(), facts.get(i));
            assertThat(plans[i].outcome()).isEqualTo(Outcome.SUCCEEDED);
        }
        cache.apply(createdMicros, plans, facts);
        for (int i = 0; i < plans.length; i++) {
            PlannedRequest p = plans[i];
            assertThat(p.inputTokens() + p.cacheReadTokens() + p.cacheWriteTokens())
                    .as("the total input is what count_tokens says")
                    .isEqualTo(facts.get(i).estimatedInputTokens());
        }
        return plans;
    }

    private PlannedRequest one(long createdMicros, String params) throws IOException {
        return batch(createdMicros, List.of(params))[0];
    }

    @Test
    void aPrefixWrittenByOneBatchIsReadByALaterBatchAndOnlyTheRestIsUncachedInput() throws IOException {
        String p = params("claude-sonnet-4-6", block(A, EPHEMERAL), "q1");
        PlannedRequest first = one(0, p);
        PlannedRequest second = one(MINUTE, params("claude-sonnet-4-6", block(A, EPHEMERAL), "another question"));

        assertThat(first.cacheReadTokens()).isZero();
        assertThat(first.cacheWriteTokens()).isBetween(2_000L, 2_030L);
        assertThat(first.cacheWrite5mTokens()).isEqualTo(first.cacheWriteTokens());
        assertThat(first.cacheWrite1hTokens()).isZero();
        assertThat(first.inputTokens()).isLessThan(30);
        assertThat(second.cacheReadTokens()).isEqualTo(first.cacheWriteTokens());
        assertThat(second.cacheWriteTokens()).isZero();
    }

    @Test
    void aDifferentPrefixOrAnotherModelMisses() throws IOException {
        one(0, params("claude-sonnet-4-6", block(A, EPHEMERAL), "q"));
        PlannedRequest otherText = one(MINUTE, params("claude-sonnet-4-6", block(B, EPHEMERAL), "q"));
        PlannedRequest otherModel = one(MINUTE, params("claude-opus-4-8", block(A, EPHEMERAL), "q"));

        assertThat(otherText.cacheReadTokens()).isZero();
        assertThat(otherText.cacheWriteTokens()).isPositive();
        assertThat(otherModel.cacheReadTokens()).isZero();
    }

    @Test
    void thePrefixRunsToTheBreakpointAndItsPlacementIsNotPartOfTheContent() throws IOException {
        PlannedRequest a = one(0, params("claude-sonnet-4-6", block(A, EPHEMERAL) + "," + block(B, null), "q"));
        // Same content, breakpoints after A and after B: reads A, writes only B's part.
        PlannedRequest ab =
                one(MINUTE, params("claude-sonnet-4-6", block(A, EPHEMERAL) + "," + block(B, EPHEMERAL), "q"));
        // Same content, one breakpoint after B only: reads the A+B prefix the previous batch wrote.
        PlannedRequest b =
                one(2 * MINUTE, params("claude-sonnet-4-6", block(A, null) + "," + block(B, EPHEMERAL), "q"));

        assertThat(a.cacheWriteTokens()).isBetween(2_000L, 2_030L);
        assertThat(a.inputTokens()).as("B is after the breakpoint").isGreaterThan(2_000);
        assertThat(ab.cacheReadTokens()).isEqualTo(a.cacheWriteTokens());
        assertThat(ab.cacheWriteTokens()).isBetween(2_000L, 2_030L);
        assertThat(b.cacheReadTokens()).isEqualTo(ab.cacheReadTokens() + ab.cacheWriteTokens());
        assertThat(b.cacheWriteTokens()).isZero();
    }

    @Test
    void fiveMinuteEntriesExpireOnTheSimulatedClockUnlessReadAndEveryReadRefreshesThem() throws IOException {
        String p = params("claude-sonnet-4-6", block(A, EPHEMERAL), "q");
        one(0, p);
        assertThat(one(4 * MINUTE, p).cacheReadTokens())
                .as("within 5 min of the write")
                .isPositive();
        assertThat(one(8 * MINUTE, p).cacheReadTokens())
                .as("within 5 min of the last read")
                .isPositive();
        PlannedRequest late = one(20 * MINUTE, p);
        assertThat(late.cacheReadTokens()).as("12 min after the last use").isZero();
        assertThat(late.cacheWriteTokens()).isPositive();
    }

    @Test
    void oneHourEntriesOutliveFiveMinutesAndAreAccountedAsOneHourWrites() throws IOException {
        PlannedRequest write = one(0, params("claude-sonnet-4-6", block(A, HOUR), "q"));
        assertThat(write.cacheWrite1hTokens())
                .isEqualTo(write.cacheWriteTokens())
                .isPositive();
        assertThat(write.cacheWrite5mTokens()).isZero();
        assertThat(one(50 * MINUTE, params("claude-sonnet-4-6", block(A, HOUR), "q"))
                        .cacheReadTokens())
                .isEqualTo(write.cacheWriteTokens());
        assertThat(one(200 * MINUTE, params("claude-sonnet-4-6", block(A, HOUR), "q"))
                        .cacheReadTokens())
                .isZero();

        // A 1-hour breakpoint followed by a 5-minute one: the first part is a 1-hour write, the rest 5-minute.
        cache = new PromptCache(CATALOGUE, 0.3);
        PlannedRequest mixed = one(0, params("claude-sonnet-4-6", block(A, HOUR) + "," + block(B, EPHEMERAL), "q"));
        assertThat(mixed.cacheWrite1hTokens()).isBetween(2_000L, 2_030L);
        assertThat(mixed.cacheWrite5mTokens()).isBetween(2_000L, 2_030L);
        assertThat(mixed.cacheWriteTokens()).isEqualTo(mixed.cacheWrite1hTokens() + mixed.cacheWrite5mTokens());
    }

    @Test
    void aPrefixBelowTheModelsMinimumIsNeitherWrittenNorRead() throws IOException {
        String shortPrefix = "s".repeat(3_000); // 750 tokens < 1,024 (Sonnet 4.6)
        PlannedRequest sonnet = one(0, params("claude-sonnet-4-6", block(shortPrefix, EPHEMERAL), "q"));
        assertThat(sonnet.cacheWriteTokens()).isZero();
        assertThat(one(MINUTE, params("claude-sonnet-4-6", block(shortPrefix, EPHEMERAL), "q"))
                        .cacheReadTokens())
                .isZero();
        // 2,000 tokens: enough for Sonnet 4.6 (1,024) but not for Haiku 4.5 (4,096).
        assertThat(one(0, params("claude-haiku-4-5", block(A, EPHEMERAL), "q")).cacheWriteTokens())
                .isZero();
        assertThat(one(0, params("claude-haiku-4-5", block(A + B + A, EPHEMERAL), "q"))
                        .cacheWriteTokens())
                .isPositive();
    }

    @Test
    void withinOneBatchHitsFollowTheConfiguredRateDeterministically() throws IOException {
        for (double rate : new double[] {0.3, 0.98}) {
            double[] fractions = new double[2];
            long[][] reads = new long[2][];
            for (int run = 0; run < 2; run++) {
                cache = new PromptCache(CATALOGUE, rate);
                batches = 0;
                List<String> params = new ArrayList<>();
                for (int i = 0; i < 2_000; i++) {
                    params.add(params("claude-sonnet-4-6", block(A, EPHEMERAL), "question " + i));
                }
                PlannedRequest[] plans = batch(0, params);
                reads[run] = new long[plans.length];
                int hits = 0;
                for (int i = 0; i < plans.length; i++) {
                    reads[run][i] = plans[i].cacheReadTokens();
                    hits += plans[i].cacheReadTokens() > 0 ? 1 : 0;
                    assertThat(plans[i].cacheReadTokens() > 0 ^ plans[i].cacheWriteTokens() > 0)
                            .as("each request either reads or writes the prefix")
                            .isTrue();
                }
                fractions[run] = hits / 1_999.0;
            }
            assertThat(reads[1]).as("same seed, same hits").isEqualTo(reads[0]);
            assertThat(fractions[0]).isCloseTo(rate, org.assertj.core.data.Offset.offset(0.035));
        }
    }

    @Test
    void moreThanFourBreakpointsIsAValidationError() throws IOException {
        String five = String.join(",", java.util.Collections.nCopies(5, block("x", EPHEMERAL)));
        List<RequestFacts> facts = CreateParser.parse(new ByteArrayInputStream(
                ("{\"requests\":[{\"custom_id\":\"a\",\"params\":" + params("claude-sonnet-4-6", five, "q") + "}]}")
                        .getBytes(StandardCharsets.UTF_8)));
        assertThat(facts.get(0).invalid())
                .isEqualTo("A maximum of 4 blocks with cache_control may be provided. Found 5.");
    }

    /** A text block whose citations carry a user object that looks like a breakpoint. */
    private static String lookalike(String text, String value) {
        return "{\"type\":\"text\",\"text\":\"" + text + "\",\"citations\":[{\"type\":\"char_location\","
                + "\"doc\":{\"cache_control\":" + value + "}}]}";
    }

    @Test
    void aCacheControlInsideABlocksDataIsContentNotABreakpoint() throws IOException {
        PlannedRequest alone = one(0, params("claude-sonnet-4-6", lookalike(A, EPHEMERAL), "q"));
        assertThat(alone.cacheWriteTokens())
                .as("no breakpoint: nothing written")
                .isZero();

        String withReal = lookalike(A, EPHEMERAL) + "," + block(B, EPHEMERAL);
        PlannedRequest written = one(MINUTE, params("claude-sonnet-4-6", withReal, "q"));
        PlannedRequest otherData =
                one(2 * MINUTE, params("claude-sonnet-4-6", lookalike(A, HOUR) + "," + block(B, EPHEMERAL), "q"));
        PlannedRequest same = one(3 * MINUTE, params("claude-sonnet-4-6", withReal, "another question"));

        assertThat(written.cacheWriteTokens()).isGreaterThan(4_000);
        assertThat(otherData.cacheReadTokens())
                .as("the look-alike's value is content: another prefix")
                .isZero();
        assertThat(same.cacheReadTokens()).isEqualTo(written.cacheWriteTokens());

        String four = String.join(",", java.util.Collections.nCopies(4, block("x", EPHEMERAL)));
        List<RequestFacts> facts =
                CreateParser.parse(new ByteArrayInputStream(("{\"requests\":[{\"custom_id\":\"a\"," + "\"params\":"
                                + params("claude-sonnet-4-6", four + "," + lookalike("y", EPHEMERAL), "q") + "}]}")
                        .getBytes(StandardCharsets.UTF_8)));
        assertThat(facts.get(0).invalid()).as("four breakpoints and data").isNull();
    }

    @Test
    void aBlockInAToolResultsContentIsABreakpointInAnotherBlocksItIsContent() throws IOException {
        String inner = "[{\"type\":\"text\",\"text\":\"" + A + "\",\"cache_control\":" + EPHEMERAL + "}]";
        String template = "{\"model\":\"claude-sonnet-4-6\",\"max_tokens\":100,\"messages\":[{\"role\":\"user\","
                + "\"content\":[{\"type\":\"%s\",\"tool_use_id\":\"tu_1\",\"content\":" + inner + "}]}]}";
        String typeLast = "{\"model\":\"claude-sonnet-4-6\",\"max_tokens\":100,\"messages\":[{\"role\":\"user\","
                + "\"content\":[{\"tool_use_id\":\"tu_2\",\"content\":" + inner + ",\"type\":\"tool_result\"}]}]}";

        assertThat(one(0, template.formatted("tool_result")).cacheWriteTokens()).isGreaterThan(2_000);
        assertThat(one(0, typeLast).cacheWriteTokens()).isGreaterThan(2_000);
        assertThat(one(0, template.formatted("search_result")).cacheWriteTokens())
                .isZero();
    }
}
