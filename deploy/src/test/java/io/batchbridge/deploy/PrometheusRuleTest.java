package io.batchbridge.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

/** The PrometheusRule is deploy/prometheus/alerts.yml, rendered: one source of the alert rules. */
class PrometheusRuleTest {
    @Test
    void prometheusRuleFileIsTheRenderingOfAlertsYml() {
        assertThat(DeployFiles.text("k8s/base/prometheusrule.yaml"))
                .as("regenerate: see io.batchbridge.deploy.PrometheusRuleFile")
                .isEqualTo(PrometheusRuleFile.render(DeployFiles.text("prometheus/alerts.yml")));
    }

    @Test
    void prometheusRuleCarriesTheSameGroupsAsAlertsYml() {
        JsonNode rule = DeployFiles.documents("k8s/base/prometheusrule.yaml").get(0);
        JsonNode alerts = DeployFiles.documents("prometheus/alerts.yml").get(0);
        assertThat(rule.path("kind").asText()).isEqualTo("PrometheusRule");
        assertThat(rule.path("spec").path("groups")).isEqualTo(alerts.path("groups"));
        assertThat(alerts.path("groups").get(0).path("rules").size()).isGreaterThanOrEqualTo(8);
    }

    @Test
    void composePrometheusLoadsTheAlertsAndScrapesBothRoles() {
        JsonNode prom = DeployFiles.documents("compose/prometheus.yml").get(0);
        assertThat(prom.path("rule_files").get(0).asText()).isEqualTo("/etc/prometheus/alerts.yml");
        JsonNode service = DeployFiles.documents("compose/compose.yaml")
                .get(0)
                .path("services")
                .path("prometheus");
        assertThat(service.path("volumes").toString()).contains("../prometheus/alerts.yml:/etc/prometheus/alerts.yml");
        assertThat(prom.path("scrape_configs").toString()).contains("submitter:9401", "worker:9402");
    }
}
