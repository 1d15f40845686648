package io.batchbridge.cli.ops;

import io.batchbridge.client.BatchesClient;
import io.batchbridge.common.http.OpsServer;
import io.batchbridge.common.http.OpsSettings;
import io.batchbridge.common.http.ReadinessCheck;
import io.batchbridge.common.lifecycle.RoleState;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * A running role's ops endpoints: its {@link OpsServer} (serving the role's Prometheus registry) with the
 * readiness checks every role shares — state RUNNING, Kafka reachable, partitions assigned (or none expected), no
 * API circuit open — plus the spend guard for the submitter. Closes the server and the Kafka probe together.
 */
public final class RoleOps implements AutoCloseable {
    private final OpsServer server;
    private final KafkaProbe probe;

    private RoleOps(OpsServer server, KafkaProbe probe) {
        this.server = server;
        this.probe = probe;
    }

    /** What readiness reads of a role; every method must be cheap and thread-safe. */
    public interface Probes {
        RoleState state();

        /** False while a rebalance is in progress or before the first assignment. */
        boolean assignmentSettled();

        /** The API clients whose breakers must be closed (or half open). */
        Collection<BatchesClient> apiClients();

        /** True while the spend guard holds intake (submitter only). */
        default boolean spendGuardEngaged() {
            return false;
        }

        /** True while a worker's fan-out threads are all running (a dead one is being replaced otherwise). */
        default boolean fanoutThreadsUp() {
            return true;
        }
    }

    /**
     * Starts the ops server; the probe is owned (and closed) by the returned object. Returns null when the
     * settings turn the server off, after closing the probe.
     */
    public static RoleOps start(OpsSettings settings, PrometheusMeterRegistry registry, Probes role, KafkaProbe probe) {
        Objects.requireNonNull(role, "role");
        if (!settings.enabled()) {
            probe.close();
            return null;
        }
        Supplier<RoleState> state = role::state;
        OpsServer server = OpsServer.builder(registry)
                .settings(settings)
                .roleState(state)
                .readiness(ReadinessCheck.of(ReadinessCheck.KAFKA_UNREACHABLE, probe::reachable))
                .readiness(ReadinessCheck.of(ReadinessCheck.PARTITIONS_NOT_ASSIGNED, role::assignmentSettled))
                .readiness(ReadinessCheck.of(ReadinessCheck.API_CIRCUIT_OPEN, noneOpen(role)))
                .readiness(ReadinessCheck.of(ReadinessCheck.FANOUT_THREADS_DOWN, role::fanoutThreadsUp))
                .readiness(() ->
                        role.spendGuardEngaged() ? Optional.of(ReadinessCheck.SPEND_GUARD_ENGAGED) : Optional.empty())
                .start();
        return new RoleOps(server, probe);
    }

    private static BooleanSupplier noneOpen(Probes role) {
        return () -> role.apiClients().stream().noneMatch(BatchesClient::circuitOpen);
    }

    public URI baseUri() {
        return server.baseUri();
    }

    public int port() {
        return server.port();
    }

    public List<String> notReadyReasons() {
        return server.notReadyReasons();
    }

    @Override
    public void close() {
        server.close();
        probe.close();
    }
}
