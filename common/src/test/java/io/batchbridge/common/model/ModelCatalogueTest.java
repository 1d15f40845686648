package io.batchbridge.common.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelCatalogueTest {
    private final ModelCatalogue catalogue = ModelCatalogue.defaults();

    @Test
    void extendedOutputRaisesTheCapOnlyForEligibleModels() {
        ModelInfo opus = catalogue.find("claude-opus-4-6").orElseThrow();
        ModelInfo haiku = catalogue.find("claude-haiku-4-5").orElseThrow();

        assertThat(catalogue.maxTokens(opus, List.of())).isEqualTo(128_000);
        assertThat(catalogue.maxTokens(opus, List.of(ModelCatalogue.EXTENDED_OUTPUT_BETA)))
                .isEqualTo(300_000);
        assertThat(catalogue.maxTokens(haiku, List.of(ModelCatalogue.EXTENDED_OUTPUT_BETA)))
                .isEqualTo(64_000);
    }

    @Test
    void datedAliasesResolveToTheirModel() {
        assertThat(catalogue.find("claude-haiku-4-5-20251001"))
                .hasValueSatisfying(m -> assertThat(m.id()).isEqualTo("claude-haiku-4-5"));
        assertThat(catalogue.find("claude-does-not-exist-9")).isEmpty();
        assertThat(catalogue.find(null)).isEmpty();
    }

    @Test
    void anyDatedIdOfAKnownModelResolvesToIt() {
        assertThat(catalogue.find("claude-opus-4-8-20260101"))
                .hasValueSatisfying(m -> assertThat(m.id()).isEqualTo("claude-opus-4-8"));
        assertThat(catalogue.find("claude-haiku-4-5-20990101"))
                .hasValueSatisfying(m -> assertThat(m.id()).isEqualTo("claude-haiku-4-5"));
        assertThat(catalogue.find("claude-opus-4-8-20261341")).as("not a date").isEmpty();
        assertThat(catalogue.find("claude-opus-4-8-2026010")).as("seven digits").isEmpty();
        assertThat(catalogue.find("claude-nope-20260101")).isEmpty();
    }

    @Test
    void everyModelTheContractOrTheSourcesNameIsKnown() {
        assertThat(catalogue.find("claude-3-7-sonnet-20250219")).hasValueSatisfying(m -> {
            assertThat(m.maxTokens()).isEqualTo(64_000);
            assertThat(m.extendedOutput()).isFalse();
        });
        assertThat(catalogue.find("claude-3-opus-20240229"))
                .hasValueSatisfying(
                        m -> assertThat(m.prices().batchOutputPerMTok()).isEqualTo(37.50));
        for (String id : List.of(
                "claude-opus-5-5",
                "claude-opus-5",
                "claude-opus-4-8",
                "claude-opus-4-7",
                "claude-opus-4-6",
                "claude-sonnet-5",
                "claude-sonnet-4-6",
                "claude-fable-5",
                "claude-fable-5-1",
                "claude-mythos-5",
                "claude-mythos-5-1",
                "claude-opus-4-5",
                "claude-sonnet-4-5",
                "claude-haiku-4-5",
                "claude-opus-4-1",
                "claude-opus-4-0",
                "claude-sonnet-4-0",
                "claude-3-5-haiku-20241022",
                "claude-3-haiku-20240307")) {
            assertThat(catalogue.find(id)).as(id).isPresent();
        }
    }

    @Test
    void contextWindowsFollowTheSourcesAndDefaultToTheStandardWindow() {
        assertThat(catalogue.find("claude-sonnet-4-6").orElseThrow().contextWindow())
                .isEqualTo(1_000_000);
        assertThat(catalogue.find("claude-opus-4-6").orElseThrow().contextWindow())
                .isEqualTo(1_000_000);
        assertThat(catalogue.find("claude-sonnet-4-5").orElseThrow().contextWindow())
                .isEqualTo(200_000);
        assertThat(catalogue.find("claude-haiku-4-5").orElseThrow().contextWindow())
                .isEqualTo(200_000);
        for (ModelInfo m : catalogue.models()) {
            if (m.extendedOutput()) {
                assertThat(m.contextWindow())
                        .as(m.id() + " is 300k-eligible, so its window must hold a 300,000-token output")
                        .isGreaterThan(catalogue.extendedMaxTokens());
            }
        }
    }

    @Test
    void batchCostCountsCacheWritesAndReadsAtTheirMultipliers() {
        Prices sonnet = catalogue.find("claude-sonnet-4-6").orElseThrow().prices();
        // 1M input at $1.50, 1M output at $7.50, 1M 5m-writes at 1.25x, 1M 1h-writes at 2x, 1M reads at 0.1x
        TokenUsage usage = new TokenUsage(1_000_000, 1_000_000, 1_000_000, 1_000_000, 1_000_000);
        double expected = 1.50 + 7.50 + 1.50 * 1.25 + 1.50 * 2.0 + 1.50 * 0.1;

        assertThat(sonnet.batchCost(usage)).isCloseTo(expected, within(1e-9));
        assertThat(sonnet.standardCost(usage)).isCloseTo(2 * expected, within(1e-9));
    }

    @Test
    void operatorFileReplacesTheDefaults(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("models.json");
        Files.writeString(file, """
                {"models":[{"id":"claude-custom","max_tokens":1000,"extended_output":true,
                            "batch_input":1,"batch_output":2}],
                 "known_betas":["x-2026-01-01"]}
                """);
        ModelCatalogue custom = ModelCatalogue.fromFile(file);

        assertThat(custom.find("claude-custom"))
                .hasValueSatisfying(m -> assertThat(m.contextWindow()).isEqualTo(ModelInfo.STANDARD_CONTEXT_WINDOW));
        assertThat(custom.find("claude-opus-4-6")).isEmpty();
        assertThat(custom.knownBetas()).contains("x-2026-01-01", ModelCatalogue.EXTENDED_OUTPUT_BETA);
    }

    @Test
    void invalidFileIsRejectedWithWhatIsWrong(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("models.json");
        Files.writeString(file, "{\"models\":[{\"id\":\"x\"}]}");

        assertThatThrownBy(() -> ModelCatalogue.fromFile(file))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("models[0] needs id, max_tokens, batch_input and batch_output");
        Files.writeString(
                file,
                "{\"models\":[{\"id\":\"x\",\"max_tokens\":1,\"batch_input\":1,"
                        + "\"batch_output\":1,\"context_window\":0}]}");
        assertThatThrownBy(() -> ModelCatalogue.fromFile(file))
                .hasMessageContaining("models[0] context_window must be a positive number of tokens");
    }

    @Test
    void minimumCacheablePrefixFollowsTheDocumentedTableAndDefaultsTo1024(@TempDir Path dir) throws Exception {
        assertThat(catalogue.find("claude-sonnet-4-6").orElseThrow().minCacheTokens())
                .isEqualTo(1024);
        assertThat(catalogue.find("claude-opus-4-6").orElseThrow().minCacheTokens())
                .isEqualTo(4096);
        assertThat(catalogue.find("claude-haiku-4-5-20251001").orElseThrow().minCacheTokens())
                .isEqualTo(4096);
        assertThat(catalogue.find("claude-3-haiku-20240307").orElseThrow().minCacheTokens())
                .isEqualTo(2048);
        Path file = dir.resolve("min.json");
        Files.writeString(file, "{\"models\":[{\"id\":\"x\",\"max_tokens\":1,\"batch_input\":1,\"batch_output\":1}]}");
        assertThat(ModelCatalogue.fromFile(file).find("x").orElseThrow().minCacheTokens())
                .isEqualTo(ModelInfo.DEFAULT_MIN_CACHE_TOKENS);
        Files.writeString(
                file,
                "{\"models\":[{\"id\":\"x\",\"max_tokens\":1,\"batch_input\":1,\"batch_output\":1,"
                        + "\"min_cache_tokens\":0}]}");
        assertThatThrownBy(() -> ModelCatalogue.fromFile(file))
                .hasMessageContaining("models[0] min_cache_tokens must be a positive number of tokens");
    }
}
