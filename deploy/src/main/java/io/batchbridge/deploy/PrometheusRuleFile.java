package io.batchbridge.deploy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;

/**
 * Renders {@code deploy/prometheus/alerts.yml} (the one source of the alert rules) as the Prometheus Operator
 * {@code PrometheusRule} in {@code deploy/k8s/base/prometheusrule.yaml}: the same groups, indented under
 * {@code spec}. Regenerate with
 *
 * <pre>
 * mvn -q -Dstyle.color=never -pl deploy exec:java -Dexec.mainClass=io.batchbridge.deploy.PrometheusRuleFile \
 *     -Dexec.args=deploy/prometheus/alerts.yml > deploy/k8s/base/prometheusrule.yaml
 * </pre>
 *
 * {@code PrometheusRuleTest} fails when the two files differ.
 */
public final class PrometheusRuleFile {
    private PrometheusRuleFile() {}

    public static void main(String[] args) throws IOException {
        System.out.print(render(Files.readString(Path.of(args[0]), StandardCharsets.UTF_8)));
    }

    /** The {@code PrometheusRule} for an alerts file's text; comment lines before the first key are dropped. */
    public static String render(String alertsYaml) {
        String body = alertsYaml
                .lines()
                .dropWhile(l -> l.startsWith("#") || l.isBlank())
                .map(l -> l.isEmpty() ? l : "  " + l)
                .collect(Collectors.joining("\n", "", "\n"));
        return "# Generated from deploy/prometheus/alerts.yml by io.batchbridge.deploy.PrometheusRuleFile; do not edit.\n"
                + "apiVersion: monitoring.coreos.com/v1\n"
                + "kind: PrometheusRule\n"
                + "metadata:\n"
                + "  name: batch-bridge\n"
                + "  labels:\n"
                + "    # the label a typical kube-prometheus-stack ruleSelector matches; adjust in the overlay\n"
                + "    release: prometheus\n"
                + "spec:\n"
                + body;
    }
}
