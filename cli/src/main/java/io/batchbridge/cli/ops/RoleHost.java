package io.batchbridge.cli.ops;

import io.batchbridge.client.ApiAccounts;
import io.batchbridge.client.ClientSettings;
import io.batchbridge.common.http.OpsSettings;
import io.batchbridge.common.lifecycle.Role;
import io.batchbridge.common.metrics.MetricsBinder;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.time.Duration;

/**
 * What surrounds a running role, wired one way for {@code bridge submitter|worker} ({@code RoleRunner}) and the
 * demo ({@code EmbeddedStack}): its own Prometheus registry with JVM metrics bound, one API client per account on
 * that registry, the role built on both and started, and — once {@link #serve served} — its ops server
 * ({@code /metrics}, {@code /health/*}) with a Kafka probe. {@link #close(Duration)} takes it down in the reverse
 * order: ops server, role (drained), API clients, JVM metrics.
 */
public final class RoleHost<R extends Role> implements AutoCloseable {
    /** Builds a role on its API clients and registry (not yet started). */
    @FunctionalInterface
    public interface Factory<R extends Role> {
        R create(ApiClients clients, MeterRegistry registry, Clock clock);
    }

    private final PrometheusMeterRegistry registry;
    private final MetricsBinder jvm;
    private final ApiClients clients;
    private final R role;
    private volatile RoleOps ops;

    private RoleHost(PrometheusMeterRegistry registry, MetricsBinder jvm, ApiClients clients, R role) {
        this.registry = registry;
        this.jvm = jvm;
        this.clients = clients;
        this.role = role;
    }

    /**
     * Builds the registry and the API clients, then the role, and starts it. When the role cannot be built or
     * started, what was built is closed and the exception is rethrown.
     */
    public static <R extends Role> RoleHost<R> start(
            ApiAccounts accounts, ClientSettings settings, Clock clock, Factory<R> factory) {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        MetricsBinder jvm = new MetricsBinder(registry).bindJvm();
        ApiClients clients = null;
        try {
            clients = new ApiClients(accounts, settings, registry, clock);
            R role = factory.create(clients, registry, clock);
            role.start();
            return new RoleHost<>(registry, jvm, clients, role);
        } catch (RuntimeException e) {
            if (clients != null) {
                clients.close();
            }
            jvm.close();
            throw e;
        }
    }

    /**
     * Starts the role's ops server (none when the settings turn it off); the probe is owned by it. Throws, after
     * closing the probe, when the server cannot start (e.g. its port is taken): whether that stops the role is the
     * caller's decision.
     */
    public RoleOps serve(OpsSettings settings, KafkaProbe probe) {
        try {
            ops = RoleOps.start(settings, registry, role, clients.all(), probe);
        } catch (RuntimeException e) {
            probe.close();
            throw e;
        }
        return ops;
    }

    public R role() {
        return role;
    }

    public ApiClients clients() {
        return clients;
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /** The ops server, or null when it is off or not (yet) started. */
    public RoleOps ops() {
        return ops;
    }

    /** Closes the ops server, drains the role within {@code drain}, then closes the API clients and the metrics. */
    public void close(Duration drain) {
        RoleOps o = ops;
        if (o != null) {
            o.close();
        }
        role.close(drain);
        clients.close();
        jvm.close();
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(30));
    }
}
