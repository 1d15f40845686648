package io.batchbridge.common.http;

import java.time.Duration;
import java.util.Objects;

/**
 * Where a role's ops server listens and how long it keeps a connection.
 *
 * @param host interface to bind, e.g. {@code 0.0.0.0}
 * @param port TCP port; 0 picks a free port, -1 turns the server off
 * @param idleTimeout a connection with no traffic for this long is closed, one holding half a request included
 * @param maxConnections connections served at once; at the limit the server stops accepting and gives the
 *     connections it holds {@link OpsServer#LIMITED_IDLE_TIMEOUT} to show traffic
 */
public record OpsSettings(String host, int port, Duration idleTimeout, int maxConnections) {
    public OpsSettings {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("ops server host must not be blank");
        }
        if (port < -1 || port > 65_535) {
            throw new IllegalArgumentException("ops server port must be between -1 and 65535 but was " + port);
        }
        Objects.requireNonNull(idleTimeout, "idleTimeout");
        if (idleTimeout.isNegative() || idleTimeout.isZero()) {
            throw new IllegalArgumentException("ops server idle timeout must be positive but was " + idleTimeout);
        }
        if (maxConnections < 1) {
            throw new IllegalArgumentException(
                    "ops server max connections must be at least 1 but was " + maxConnections);
        }
    }

    /** Host and port with the default idle timeout and connection limit. */
    public OpsSettings(String host, int port) {
        this(host, port, Duration.ofMillis(OpsKeys.DEFAULT_IDLE_TIMEOUT_MS), OpsKeys.DEFAULT_MAX_CONNECTIONS);
    }

    public boolean enabled() {
        return port >= 0;
    }

    public OpsSettings withIdleTimeout(Duration timeout) {
        return new OpsSettings(host, port, timeout, maxConnections);
    }

    public OpsSettings withMaxConnections(int max) {
        return new OpsSettings(host, port, idleTimeout, max);
    }
}
