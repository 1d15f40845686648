package io.batchbridge.cli;

import io.batchbridge.cli.ops.ApiClients;
import io.batchbridge.cli.ops.KafkaProbe;
import io.batchbridge.cli.ops.RoleHost;
import io.batchbridge.cli.ops.RoleOps;
import io.batchbridge.client.ApiAccounts;
import io.batchbridge.client.ClientSettings;
import io.batchbridge.common.config.BridgeConfig;
import io.batchbridge.common.config.BridgeConfig.InvalidConfigurationException;
import io.batchbridge.common.http.OpsKeys;
import io.batchbridge.common.http.OpsSettings;
import io.batchbridge.common.lifecycle.Role;
import io.micrometer.core.instrument.MeterRegistry;
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
 * metrics bound, {@code /health/live} and {@code /health/ready} ({@link RoleOps}); {@link RoleHost} wires it. The exit
 * code says how it ended: 0 stopped on
 * request, 1 the role stopped by itself on a failure or could not start, 2 invalid configuration.
 */
final class RoleRunner {
    static final int OK = 0;
    static final int FAILED = 1;
    static final int INVALID_CONFIG = 2;

    private static final Duration CHECK_EVERY = Duration.ofMillis(500);

    private final StopSignal signal = new StopSignal();

    /**
     * A role's definition.
     *
     * @param keyPrefix undeclared keys under this prefix are reported as unknown (typos)
     * @param config builds the validated config; throws {@link InvalidConfigurationException}
     * @param starter builds the role from its config and the API clients
     */
    record Spec<C extends BridgeConfig>(
            String name,
            String keyPrefix,
            ConfigDef definition,
            Function<Map<String, String>, C> config,
            Starter<C> starter) {}

    /** Builds a role (not yet started) from its config, API clients and registry. */
    @FunctionalInterface
    interface Starter<C> {
        Role create(C config, ApiClients clients, MeterRegistry registry, Clock clock);
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
        OpsSettings ops = OpsKeys.settings(config);
        try (StopSignal stopping = signal.arm("bridge-" + spec.name(), drain.plusSeconds(15))) {
            RoleHost<Role> host;
            try {
                host = RoleHost.start(
                        accounts,
                        settings,
                        Clock.systemUTC(),
                        (clients, registry, clock) -> spec.starter().create(config, clients, registry, clock));
            } catch (RuntimeException e) {
                err.println("bridge " + spec.name() + ": cannot start: " + e.getMessage());
                err.flush();
                return FAILED;
            }
            try {
                RoleOps endpoints = serve(spec.name(), host, ops, config, err);
                out.println("bridge " + spec.name() + " running: cluster " + props.get(KafkaSettings.BOOTSTRAP_KEY)
                        + ", API accounts " + host.clients().names()
                        + (endpoints == null ? ", ops server off" : ", metrics " + endpoints.baseUri() + "/metrics")
                        + " (SIGTERM or Ctrl-C drains and stops)");
                out.flush();
                return awaitEnd(spec.name(), host.role(), drain, out, err);
            } finally {
                host.close(drain);
            }
        }
    }

    /**
     * The ops server; a port that cannot be bound is reported but does not stop the role (the data path matters
     * more than its metrics, and an orchestrator's readiness probe will notice).
     */
    private static RoleOps serve(String name, RoleHost<?> host, OpsSettings ops, BridgeConfig config, PrintWriter err) {
        try {
            return host.serve(ops, KafkaProbe.of(config.kafkaSettings("admin")));
        } catch (RuntimeException e) {
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
