package io.batchbridge.common.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.micrometer.tagged.TaggedCircuitBreakerMetrics;
import io.github.resilience4j.micrometer.tagged.TaggedRateLimiterMetrics;
import io.github.resilience4j.micrometer.tagged.TaggedRetryMetrics;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.github.resilience4j.ratelimiter.RateLimiterRegistry;
import io.github.resilience4j.retry.RetryConfig;
import io.github.resilience4j.retry.RetryRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The alert rules and the dashboard in {@code deploy/} reference only metrics that exist: every
 * {@code bridge_*} name is in the catalogue, every other metric belongs to a {@link LibraryMetricFamily}, and
 * the JVM, process and Resilience4j names are ones a real binding actually scrapes.
 */
class DeployReferencesCatalogueTest {
    private static final Path ALERTS = Path.of("..", "deploy", "prometheus", "alerts.yml");
    private static final Path DASHBOARD = Path.of("..", "deploy", "grafana", "batch-bridge.json");
    private static final Pattern BRIDGE_NAME = Pattern.compile("(?<![A-Za-z0-9_.-])bridge_[a-z0-9_]+");
    private static final Pattern IDENTIFIER = Pattern.compile("(?<![A-Za-z0-9_])[a-zA-Z_][a-zA-Z0-9_]*");
    private static final Pattern QUOTED = Pattern.compile("\"[^\"]*\"");
    /** Registered on the first GC notification, so a fresh JVM may not show them yet. */
    private static final Set<String> LAZY = Set.of("jvm_gc_pause_seconds_sum", "jvm_gc_pause_seconds_count");

    private static final List<String> REQUIRED_ALERTS = List.of(
            "BridgeCircuitOpen",
            "BridgeDeadLetterRateHigh",
            "BridgeOldestOpenBatchNearExpiry",
            "BridgeEndedBatchesNotFannedOut",
            "BridgeConsumerLagGrowing",
            "BridgeSpendGuardEngaged",
            "BridgeTruncationRatioHigh",
            "BridgeRoleNotRunning");

    private static JsonNode alerts;
    private static JsonNode dashboard;

    @BeforeAll
    static void read() throws IOException {
        alerts = new ObjectMapper(new YAMLFactory()).readTree(ALERTS.toFile());
        dashboard = new ObjectMapper().readTree(DASHBOARD.toFile());
    }

    @Test
    void everyBridgeNameInTheRulesAndDashboardIsInTheCatalogue() throws IOException {
        Set<String> names = new TreeSet<>();
        for (Path p : List.of(ALERTS, DASHBOARD)) {
            Matcher m = BRIDGE_NAME.matcher(Files.readString(p));
            while (m.find()) {
                names.add(m.group());
            }
        }
        assertThat(names).hasSizeGreaterThan(20);
        List<String> unknown = names.stream()
                .filter(n -> BridgeMetric.fromPrometheusName(n).isEmpty())
                .toList();
        assertThat(unknown)
                .as("metric names in deploy/ that BridgeMetric does not declare (or with a suffix its type lacks)")
                .isEmpty();
    }

    @Test
    void everyOtherMetricBelongsToABoundLibraryFamilyAndIsReallyScraped() {
        Set<String> scraped = libraryScrape();
        Set<String> library = new TreeSet<>();
        for (String expr : expressions()) {
            for (String id : identifiers(expr)) {
                if (LibraryMetricFamily.of(id).isPresent()) {
                    library.add(id);
                }
            }
        }
        assertThat(library)
                .contains("resilience4j_circuitbreaker_state", "kafka_consumer_fetch_manager_records_lag_max");
        for (String name : library) {
            LibraryMetricFamily family = LibraryMetricFamily.of(name).orElseThrow();
            boolean checkable = family != LibraryMetricFamily.KAFKA_CONSUMER
                    && family != LibraryMetricFamily.KAFKA_PRODUCER
                    && !LAZY.contains(name);
            if (checkable) {
                assertThat(scraped)
                        .as(name + " is not what the " + family + " binder emits")
                        .contains(name);
            }
        }
    }

    @Test
    void breakerStateCarriesTheAccountLabelTheAlertGroupsBy() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        bindResilience4j(registry);
        assertThat(registry.scrape())
                .containsPattern(
                        "resilience4j_circuitbreaker_state\\{[^}]*account=\"default\"[^}]*name=\"batches-api\"");
    }

    @Test
    void everyRequiredAlertExistsWithForSeverityAndRunbook() {
        Map<String, JsonNode> rules = new HashMap<>();
        for (JsonNode group : alerts.path("groups")) {
            for (JsonNode rule : group.path("rules")) {
                assertThat(rules.put(rule.path("alert").asText(), rule))
                        .as("duplicate alert " + rule.path("alert").asText())
                        .isNull();
            }
        }
        assertThat(rules.keySet()).containsAll(REQUIRED_ALERTS);
        for (Map.Entry<String, JsonNode> e : rules.entrySet()) {
            JsonNode r = e.getValue();
            assertThat(r.path("expr").asText()).as(e.getKey() + " expr").isNotBlank();
            assertThat(r.path("for").asText()).as(e.getKey() + " for").matches("\\d+[smh]");
            assertThat(r.path("labels").path("severity").asText())
                    .as(e.getKey() + " severity")
                    .isIn("critical", "warning", "info");
            for (String a : List.of("summary", "description", "runbook")) {
                assertThat(r.path("annotations").path(a).asText())
                        .as(e.getKey() + " " + a)
                        .isNotBlank();
            }
            assertThat(identifiers(r.path("expr").asText()))
                    .as(e.getKey() + " references a metric")
                    .anyMatch(id -> id.startsWith("bridge_")
                            || LibraryMetricFamily.of(id).isPresent());
        }
        assertThat(rules.get("BridgeOldestOpenBatchNearExpiry").path("expr").asText())
                .contains("bridge_worker_batches_oldest_open_age_seconds")
                .contains("20 * 3600");
        assertThat(rules.get("BridgeEndedBatchesNotFannedOut").path("expr").asText())
                .contains("bridge_worker_ended_oldest_age_seconds")
                .contains("3600");
    }

    @Test
    void dashboardCoversWhatTheIssueAsksFor() {
        Set<Integer> ids = new HashSet<>();
        List<String> exprs = new ArrayList<>();
        for (JsonNode p : dashboard.path("panels")) {
            assertThat(ids.add(p.path("id").asInt())).as("duplicate panel id").isTrue();
            if (!"row".equals(p.path("type").asText())) {
                assertThat(p.path("targets")).as(p.path("title").asText()).isNotEmpty();
                p.path("targets").forEach(t -> exprs.add(t.path("expr").asText()));
            }
        }
        String all = String.join("\n", exprs);
        assertThat(all)
                .contains(
                        "bridge_submitter_requests_consumed_total",
                        "bridge_worker_batches_open",
                        "bridge_worker_batches_oldest_open_age_seconds",
                        "bridge_worker_results_total",
                        "bridge_submitter_dead_letters_total",
                        "bridge_worker_dead_letters_total",
                        "bridge_worker_retries_total",
                        "bridge_worker_fanout_bytes_total",
                        "bridge_api_calls_seconds_count",
                        "resilience4j_circuitbreaker_state",
                        "kafka_consumer_fetch_manager_records_lag_max",
                        "pricing=\\\"standard\\\"".replace("\\", ""),
                        "bridge_cost_usd_total",
                        "bridge_submitter_state",
                        "bridge_worker_state");
    }

    private static List<String> expressions() {
        List<String> exprs = new ArrayList<>();
        alerts.path("groups")
                .forEach(g ->
                        g.path("rules").forEach(r -> exprs.add(r.path("expr").asText())));
        collectExpr(dashboard, exprs);
        return exprs;
    }

    private static void collectExpr(JsonNode node, List<String> out) {
        if (node.isObject()) {
            node.fields().forEachRemaining(e -> {
                if ("expr".equals(e.getKey()) && e.getValue().isTextual()) {
                    out.add(e.getValue().asText());
                } else {
                    collectExpr(e.getValue(), out);
                }
            });
        } else if (node.isArray()) {
            node.forEach(n -> collectExpr(n, out));
        }
    }

    /** Identifiers outside quoted label values: metric names, label names, functions and keywords. */
    private static Set<String> identifiers(String expr) {
        Set<String> ids = new HashSet<>();
        Matcher m = IDENTIFIER.matcher(QUOTED.matcher(expr).replaceAll("\"\""));
        while (m.find()) {
            ids.add(m.group());
        }
        return ids;
    }

    private static Set<String> libraryScrape() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        bindResilience4j(registry);
        try (MetricsBinder binder = new MetricsBinder(registry).bindJvm()) {
            return registry.scrape()
                    .lines()
                    .filter(l -> !l.startsWith("#") && !l.isBlank())
                    .map(l -> l.split("[{ ]", 2)[0])
                    .collect(Collectors.toSet());
        }
    }

    /** The same binding and instance naming as the API client's Guards. */
    private static void bindResilience4j(PrometheusMeterRegistry registry) {
        Map<String, String> tags = Map.of("account", "default");
        CircuitBreakerRegistry breakers = CircuitBreakerRegistry.ofDefaults();
        RetryRegistry retries = RetryRegistry.ofDefaults();
        RateLimiterRegistry limiters = RateLimiterRegistry.ofDefaults();
        TaggedCircuitBreakerMetrics.ofCircuitBreakerRegistry(breakers).bindTo(registry);
        TaggedRetryMetrics.ofRetryRegistry(retries).bindTo(registry);
        TaggedRateLimiterMetrics.ofRateLimiterRegistry(limiters).bindTo(registry);
        breakers.circuitBreaker("batches-api", CircuitBreakerConfig.ofDefaults(), tags);
        retries.retry("batches-api", RetryConfig.ofDefaults(), tags);
        limiters.rateLimiter("batches-api", RateLimiterConfig.ofDefaults(), tags);
    }
}
