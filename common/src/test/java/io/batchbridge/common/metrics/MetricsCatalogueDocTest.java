package io.batchbridge.common.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * {@code docs/metrics.md} is rendered from the catalogue. This test fails when the page is stale; run it with
 * {@code -Dbridge.docs.write=true} to rewrite the page:
 * {@code mvn -pl common test -Dtest=MetricsCatalogueDocTest -Dbridge.docs.write=true}.
 */
class MetricsCatalogueDocTest {
    /** Surefire runs in the module directory; the page lives in the repository's docs/. */
    private static final Path PAGE = Path.of("..", "docs", "metrics.md");

    @Test
    void metricsPageMatchesTheCatalogue() throws IOException {
        String rendered = MetricsCatalogue.markdown();
        if (Boolean.getBoolean("bridge.docs.write")) {
            Files.writeString(PAGE, rendered, StandardCharsets.UTF_8);
        }
        assertThat(Files.exists(PAGE))
                .as("docs/metrics.md is missing; regenerate it with: mvn -pl common test"
                        + " -Dtest=MetricsCatalogueDocTest -Dbridge.docs.write=true")
                .isTrue();
        assertThat(Files.readString(PAGE, StandardCharsets.UTF_8))
                .as("docs/metrics.md is stale; regenerate it with: mvn -pl common test"
                        + " -Dtest=MetricsCatalogueDocTest -Dbridge.docs.write=true")
                .isEqualTo(rendered);
    }

    @Test
    void pageListsEveryMetricAndLibraryFamily() {
        String rendered = MetricsCatalogue.markdown();
        for (BridgeMetric m : BridgeMetric.values()) {
            assertThat(rendered).contains("`" + m.prometheusName() + "`", "`" + m.metricName() + "`");
        }
        for (LibraryMetricFamily f : LibraryMetricFamily.values()) {
            assertThat(rendered).contains("`" + f.prefix() + "*`");
        }
    }
}
