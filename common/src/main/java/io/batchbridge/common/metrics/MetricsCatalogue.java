package io.batchbridge.common.metrics;

import io.micrometer.core.instrument.Meter;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/** Renders the catalogue ({@link BridgeMetric}, {@link LibraryMetricFamily}) as {@code docs/metrics.md}. */
public final class MetricsCatalogue {
    private MetricsCatalogue() {}

    /** The whole metrics page, as Markdown. */
    public static String markdown() {
        StringBuilder b = new StringBuilder();
        b.append("# Metrics\n\n");
        b.append("<!-- Generated from io.batchbridge.common.metrics.BridgeMetric by MetricsCatalogueDocTest;"
                + " do not edit by hand. -->\n\n");
        b.append("Every meter batch-bridge emits is declared once in `BridgeMetric` (common module). This page is"
                + " rendered from it, and a test fails when the page is stale. Names are shown as Prometheus"
                + " exposes them; the dotted Micrometer name is in the second column. Tags are bounded: never a"
                + " batch id or `custom_id`.\n\n");
        b.append("Timers and distribution summaries are exposed as `<name>_count`, `<name>_sum` and `<name>_max`;"
                + " timers marked with a histogram also as `<name>_bucket` for `histogram_quantile`. Counters are"
                + " exposed with `_total`; timers in seconds.\n\n");
        for (BridgeMetric.Role role : BridgeMetric.Role.values()) {
            b.append("## ").append(role.title()).append("\n\n");
            b.append("| Prometheus name | Micrometer name | type | tags | description |\n");
            b.append("|---|---|---|---|---|\n");
            for (BridgeMetric m : BridgeMetric.values()) {
                if (m.role() != role) {
                    continue;
                }
                b.append("| `")
                        .append(m.prometheusName())
                        .append("` | `")
                        .append(m.metricName())
                        .append("` | ")
                        .append(type(m))
                        .append(" | ")
                        .append(
                                m.tagKeys().isEmpty()
                                        ? ""
                                        : m.tagKeys().stream()
                                                .map(k -> "`" + k + "`")
                                                .collect(Collectors.joining(", ")))
                        .append(" | ")
                        .append(m.description().replace("|", "\\|"))
                        .append(" |\n");
            }
            b.append("\n");
        }
        b.append("## Bound from libraries\n\n");
        b.append("Registered into the same registry by `MetricsBinder` (JVM, Kafka clients) and by the API"
                + " client's Resilience4j guards. Names are the libraries' own.\n\n");
        b.append("| prefix | source | holds |\n");
        b.append("|---|---|---|\n");
        for (LibraryMetricFamily f : LibraryMetricFamily.values()) {
            b.append("| `")
                    .append(f.prefix())
                    .append("*` | ")
                    .append(f.source())
                    .append(" | ")
                    .append(f.contents().replace("|", "\\|"))
                    .append(" |\n");
        }
        b.append("\n## How to scrape\n\n");
        b.append("Each role serves its ops endpoints on `bridge.http.host`:`bridge.http.port` (Jetty's core HTTP"
                + " server; `0` picks a free port, `-1` turns it off; the host defaults to `0.0.0.0`; slow or idle"
                + " clients cannot starve the probes: see [security.md](security.md#the-ops-port)):\n\n");
        b.append("- `GET /metrics`: Prometheus text format 0.0.4 (`text/plain; version=0.0.4; charset=utf-8`).\n");
        b.append("- `GET /health/live`: 200 while the process runs and the role has not failed, else 503.\n");
        b.append("- `GET /health/ready`: 200 when Kafka is reachable, partitions are assigned (or none are"
                + " expected) and the API circuit is not open; otherwise 503 with"
                + " `{\"status\":\"not_ready\",\"reasons\":[...]}`.\n\n");
        b.append("A Prometheus scrape job:\n\n");
        b.append("```yaml\n");
        b.append("scrape_configs:\n");
        b.append("  - job_name: batch-bridge\n");
        b.append("    metrics_path: /metrics\n");
        b.append("    static_configs:\n");
        b.append("      - targets: [\"submitter:9401\", \"worker:9402\"]\n");
        b.append("```\n\n");
        b.append("Alert rules are in `deploy/prometheus/alerts.yml` and the dashboard in"
                + " `deploy/grafana/batch-bridge.json`; a test checks that every metric they reference is in"
                + " this catalogue.\n");
        return b.toString();
    }

    private static String type(BridgeMetric m) {
        String t = m.type().name().toLowerCase(Locale.ROOT).replace('_', ' ');
        if (m.type() == Meter.Type.TIMER) {
            List<Duration> buckets = m.histogramBuckets();
            return buckets.isEmpty()
                    ? t
                    : t + " (histogram, " + buckets.size() + " buckets to " + human(buckets.get(buckets.size() - 1))
                            + ")";
        }
        return m.baseUnit().map(u -> t + " (" + u + ")").orElse(t);
    }

    private static String human(Duration d) {
        return d.toHours() > 0 ? d.toHours() + " h" : d.toMinutes() + " min";
    }
}
