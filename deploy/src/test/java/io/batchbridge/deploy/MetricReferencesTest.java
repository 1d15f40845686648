package io.batchbridge.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.batchbridge.common.metrics.BridgeMetric;
import io.batchbridge.common.metrics.LibraryMetricFamily;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Every metric the alert rules, the dashboard, the PrometheusRule and the KEDA triggers query exists: a
 * {@code bridge_*} name in the {@link BridgeMetric} catalogue, anything else in a {@link LibraryMetricFamily}
 * (the approach of common's DeployReferencesCatalogueTest, extended to the Kubernetes files).
 */
class MetricReferencesTest {
    private static final Pattern BRIDGE_NAME = Pattern.compile("(?<![A-Za-z0-9_.-])bridge_[a-z0-9_]+");
    /** A series selector: a name followed by a label matcher, a range, or closing a function call. */
    private static final Pattern SELECTOR =
            Pattern.compile("(?<![A-Za-z0-9_\"])([a-z][a-z0-9_]*_[a-z0-9_]+)\\s*[{\\[)]");

    /** Label lists of aggregations and vector matching: label names, not series. */
    private static final String LABEL_LISTS = "\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)";

    @Test
    void everyQueriedMetricExists() {
        List<String> queries = queries();
        assertThat(queries).hasSizeGreaterThan(30);
        Set<String> bridge = new TreeSet<>();
        Set<String> other = new TreeSet<>();
        for (String q : queries) {
            Matcher m = BRIDGE_NAME.matcher(q);
            while (m.find()) {
                bridge.add(m.group());
            }
            Matcher s = SELECTOR.matcher(q.replaceAll("\"[^\"]*\"", "\"\"").replaceAll(LABEL_LISTS, ""));
            while (s.find()) {
                if (!s.group(1).startsWith("bridge_")) {
                    other.add(s.group(1));
                }
            }
        }
        assertThat(bridge).hasSizeGreaterThan(20).contains("bridge_worker_batches_ended_not_fanned_out");
        assertThat(bridge.stream()
                        .filter(n -> BridgeMetric.fromPrometheusName(n).isEmpty()))
                .as("bridge_* names BridgeMetric does not declare")
                .isEmpty();
        assertThat(other).contains("resilience4j_circuitbreaker_state", "kafka_consumer_fetch_manager_records_lag_max");
        assertThat(other.stream().filter(n -> LibraryMetricFamily.of(n).isEmpty()))
                .as("non-bridge series outside every bound library family")
                .isEmpty();
    }

    @Test
    void kedaPrometheusTriggersQueryCatalogueMetrics() {
        List<JsonNode> triggers = new ArrayList<>();
        DeployFiles.ofKind("ScaledObject")
                .forEach(o -> o.path("spec").path("triggers").forEach(triggers::add));
        assertThat(triggers).extracting(t -> t.path("type").asText()).contains("prometheus", "kafka");
        for (JsonNode t : triggers) {
            if ("prometheus".equals(t.path("type").asText())) {
                Matcher m = BRIDGE_NAME.matcher(t.path("metadata").path("query").asText());
                assertThat(m.find()).isTrue();
                assertThat(BridgeMetric.fromPrometheusName(m.group()))
                        .as(m.group())
                        .isPresent();
            }
        }
    }

    /** Every PromQL expression in the deploy files. */
    private static List<String> queries() {
        List<String> out = new ArrayList<>();
        for (String f : List.of("prometheus/alerts.yml", "k8s/base/prometheusrule.yaml", "grafana/batch-bridge.json")) {
            DeployFiles.documents(f).forEach(d -> collect(d, out));
        }
        DeployFiles.ofKind("ScaledObject").forEach(d -> collect(d, out));
        return out;
    }

    private static void collect(JsonNode node, List<String> out) {
        if (node.isObject()) {
            node.fields().forEachRemaining(e -> {
                if (("expr".equals(e.getKey()) || "query".equals(e.getKey()))
                        && e.getValue().isTextual()) {
                    out.add(e.getValue().asText());
                } else {
                    collect(e.getValue(), out);
                }
            });
        } else if (node.isArray()) {
            node.forEach(n -> collect(n, out));
        }
    }
}
