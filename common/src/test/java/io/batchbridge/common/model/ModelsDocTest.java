package io.batchbridge.common.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * {@code docs/models.md} has one row per catalogue model with the catalogue's aliases, cap, 300k eligibility,
 * batch prices and context window, and no row for a model the catalogue lacks. The page's sources and
 * reasoning are hand-written; this keeps its figures in step with {@code models.json}.
 */
class ModelsDocTest {
    /** Surefire runs in the module directory; the page lives in the repository's docs/. */
    private static final Path PAGE = Path.of("..", "docs", "models.md");

    @Test
    void everyCatalogueModelHasARowWithItsFigures() throws IOException {
        List<String> rows = Files.readAllLines(PAGE).stream()
                .filter(l -> l.startsWith("| `claude-"))
                .toList();
        ModelCatalogue catalogue = ModelCatalogue.defaults();
        for (ModelInfo m : catalogue.models()) {
            String expected = "| `" + m.id() + "` | " + aliases(m) + " | " + m.maxTokens() + " | "
                    + (m.extendedOutput() ? "yes" : "no") + " | "
                    + price(m.prices().batchInputPerMTok()) + " / "
                    + price(m.prices().batchOutputPerMTok()) + " | " + m.contextWindow() + " | ";
            assertThat(rows).as("docs/models.md row of " + m.id()).anyMatch(r -> r.startsWith(expected));
        }
        assertThat(rows).hasSize(catalogue.models().size());
    }

    private static String aliases(ModelInfo m) {
        return m.aliases().isEmpty()
                ? "–"
                : m.aliases().stream().map(a -> "`" + a + "`").collect(Collectors.joining(", "));
    }

    /** Two decimals, or three when the price needs them (0.125). */
    static String price(double p) {
        String three = String.format(Locale.ROOT, "%.3f", p);
        return three.endsWith("0") ? three.substring(0, three.length() - 1) : three;
    }

    @Test
    void pricesAreFormattedAsThePageWritesThem() {
        assertThat(Arrays.asList(price(2), price(0.125), price(37.5))).containsExactly("2.00", "0.125", "37.50");
    }
}
