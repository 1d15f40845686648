package io.batchbridge.cli;

import io.batchbridge.cli.ops.KafkaProbe;
import io.batchbridge.cli.ops.RoleOps;
import io.batchbridge.client.ApiAccounts;
import io.batchbridge.client.ClientSettings;
import io.batchbridge.common.config.BridgeConfig;
import io.batchbridge.common.config.BridgeConfig.InvalidConfigurationException;
import io.batchbridge.common.http.OpsKeys;
import io.batchbridge.common.http.OpsSettings;
import io.batchbridge.common.metrics.MetricsBinder;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.kafka.common.config.ConfigDef;

/**
 * Runs one role (submitter or worker) in the foreground: validates the whole configuration at once (role keys,
 * API accounts, client settings, cluster), builds one API client per account, starts the role, and on SIGTERM
 * (or {@link #stop()}) drains it with {@code close(drain)}. While it runs, its ops server
 * ({@code bridge.http.host|port}) serves {@code /metrics} from a Prometheus registry with JVM and Kafka client
 * metrics bound, {@code /health/live} and {@code /health/ready} ({@link RoleOps}). The exit code says how it ended: 0 stopped on
 * request, 1 the role stopped by itself on a failure or could not start, 2 invalid configuration.
 */
final class RoleRunner {
    static final int OK = 0;
    static final int FAILED = 1;
    static final int INVALID_CONFIG = 2;

    private static final Duration CHECK_EVERY = Duration.ofMillis(500);

    private final StopSignal signal = new StopSignal();

    /** What the runner needs of a role. */
    interface Role {
        void close(Duration drain);

        /** True once the role's loop has ended, whatever the reason. */
        boolean stopped();

        /** Why the role stopped by itself, or null. */
        String failure();

        /** What {@code /health/ready} reads of the role. */
        RoleOps.Probes probes();
    }

    /**
     * A role's definition.
     *
     * @param keyPrefix undeclared keys under this prefix are reported as unknown (typos)
     * @param config builds the validated config; throws {@link InvalidConfigurationException}
     * @param starter builds and starts the role from its config and the API clients
     */
    record Spec<C extends BridgeConfig>(
            String name,
            String keyPrefix,
            ConfigDef definition,
            Function<Map<String, String>, C> config,
            Starter<C> starter) {}

    /** Builds and starts a role. */
    @FunctionalInterface
    interface Starter<C> {
        Role start(C config, ApiClients clients, MeterRegistry registry, Clock clock);
    }

    /** Asks a running role to drain and stop, as SIGTERM does. */
    void stop() {
        signal.request();
    }

    <C extends BridgeConfig> int run(
            Spec<C> spec,
            Map<String, String> props,
            Map<String, String> env,
            Duration drain,
            PrintWriter out,
            PrintWriter err) {
        List<String> errors = new ArrayList<>();
        C config = attempt(errors, () -> spec.config().apply(props));
        ApiAccounts accounts = attempt(errors, () -> ApiAccounts.from(env, props));
        ClientSettings settings = attempt(errors, () -> ClientSettings.from(props));
        errors.addAll(RoleChecks.problems(spec, props, accounts));
        if (!errors.isEmpty()) {
            err.println("bridge " + spec.name() + ": invalid configuration (" + errors.size() + " errors):");
            errors.forEach(e -> err.println("  - " + e));
            err.flush();
            return INVALID_CONFIG;
        }
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        Clock clock = Clock.systemUTC();
        OpsSettings ops = OpsKeys.settings(config);
        try (MetricsBinder jvm = new MetricsBinder(registry).bindJvm();
                ApiClients clients = new ApiClients(accounts, settings, registry, clock);
                StopSignal stopping = signal.arm("bridge-" + spec.name(), drain.plusSeconds(15))) {
            Role role;
            try {
                role = spec.starter().start(config, clients, registry, clock);
            } catch (RuntimeException e) {
                err.println("bridge " + spec.name() + ": cannot start: " + e.getMessage());
                err.flush();
                return FAILED;
            }
            RoleOps endpoints = startOps(spec.name(), ops, registry, role, config, err);
            try {
                out.println("bridge " + spec.name() + " running: cluster " + props.get(KafkaSettings.BOOTSTRAP_KEY)
                        + ", API accounts " + clients.names()
                        + (endpoints == null ? ", ops server off" : ", metrics " + endpoints.baseUri() + "/metrics")
                        + " (SIGTERM or Ctrl-C drains and stops)");
                out.flush();
                return awaitEnd(spec.name(), role, drain, out, err);
            } finally {
                if (endpoints != null) {
                    endpoints.close();
                }
            }
        }
    }

    /**
     * The ops server; a port that cannot be bound is reported but does not stop the role (the data path matters
     * more than its metrics, and an orchestrator's readiness probe will notice).
     */
    private static RoleOps startOps(
            String name,
            OpsSettings ops,
            PrometheusMeterRegistry registry,
            Role role,
            BridgeConfig config,
            PrintWriter err) {
        KafkaProbe probe = KafkaProbe.of(config.kafkaSettings("admin"));
        try {
            return RoleOps.start(ops, registry, role.probes(), probe);
        } catch (RuntimeException e) {
            probe.close();
            err.println("bridge " + name + ": ops server not started (no /metrics, /health): " + e.getMessage()
                    + (e.getCause() == null ? "" : " (" + e.getCause().getMessage() + ")"));
            err.flush();
            return null;
        }
    }

    private int awaitEnd(String name, Role role, Duration drain, PrintWriter out, PrintWriter err) {
        try {
            while (!role.stopped()) {
                if (signal.await(CHECK_EVERY)) {
                    out.println("bridge " + name + ": draining (up to " + drain.toSeconds() + " s)");
                    out.flush();
                    role.close(drain);
                    break;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            role.close(drain);
        }
        String failure = role.failure();
        if (failure == null && signal.isRequested()) {
            out.println("bridge " + name + ": stopped");
            out.flush();
            return OK;
        }
        role.close(drain);
        err.println("bridge " + name + ": stopped on a failure: " + (failure == null ? "see the log" : failure));
        err.flush();
        return FAILED;
    }

    /** Runs {@code step}; a configuration exception's errors are collected and null returned. */
    private static <T> T attempt(List<String> errors, java.util.function.Supplier<T> step) {
        try {
            return step.get();
        } catch (InvalidConfigurationException e) {
            errors.addAll(e.errors());
        } catch (IllegalArgumentException | IllegalStateException e) {
            errors.addAll(RoleChecks.split(e.getMessage()));
        }
        return null;
    }
}
