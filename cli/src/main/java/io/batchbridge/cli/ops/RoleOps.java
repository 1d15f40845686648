package io.batchbridge.cli.ops;

import io.batchbridge.client.BatchesClient;
import io.batchbridge.common.http.OpsServer;
import io.batchbridge.common.http.OpsSettings;
import io.batchbridge.common.http.ReadinessCheck;
import io.batchbridge.common.lifecycle.Role;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.util.Collection;
import java.util.List;
import java.util.Objects;

/**
 * A running role's ops endpoints: its {@link OpsServer} (serving the role's Prometheus registry) with the
 * readiness checks every role shares — state RUNNING, Kafka reachable, partitions assigned (or none expected), no
 * API circuit open — plus the role's own ({@link Role#readiness()}: the submitter's spend guard, the worker's
 * fan-out threads). The one adapter from a {@link Role} to {@code /health/*}. Closes the server and the Kafka probe
 * together.
 */
public final class RoleOps implements AutoCloseable {
    private final OpsServer server;
    private final KafkaProbe probe;

    private RoleOps(OpsServer server, KafkaProbe probe) {
        this.server = server;
        this.probe = probe;
    }

    /**
     * Starts the ops server of {@code role}; the probe is owned (and closed) by the returned object. Returns null
     * when the settings turn the server off, after closing the probe.
     *
     * @param apiClients the role's API clients, whose breakers must be closed (or half open) for readiness
     */
    public static RoleOps start(
            OpsSettings settings,
            PrometheusMeterRegistry registry,
            Role role,
            Collection<BatchesClient> apiClients,
            KafkaProbe probe) {
        Objects.requireNonNull(role, "role");
        if (!settings.enabled()) {
            probe.close();
            return null;
        }
        OpsServer.Builder server = OpsServer.builder(registry)
                .settings(settings)
                .roleState(role::state)
                .readiness(ReadinessCheck.of(ReadinessCheck.KAFKA_UNREACHABLE, probe::reachable))
                .readiness(ReadinessCheck.of(ReadinessCheck.PARTITIONS_NOT_ASSIGNED, role::assignmentSettled))
                .readiness(ReadinessCheck.of(
                        ReadinessCheck.API_CIRCUIT_OPEN,
                        () -> apiClients.stream().noneMatch(BatchesClient::circuitOpen)));
        role.readiness().forEach(server::readiness);
        return new RoleOps(server.start(), probe);
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
