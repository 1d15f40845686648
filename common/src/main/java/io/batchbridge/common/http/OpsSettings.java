package io.batchbridge.common.http;

/**
 * Where a role's ops server listens.
 *
 * @param host interface to bind, e.g. {@code 0.0.0.0}
 * @param port TCP port; 0 picks a free port, -1 turns the server off
 */
public record OpsSettings(String host, int port) {
    public OpsSettings {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("ops server host must not be blank");
        }
        if (port < -1 || port > 65_535) {
            throw new IllegalArgumentException("ops server port must be between -1 and 65535 but was " + port);
        }
    }

    public boolean enabled() {
        return port >= 0;
    }
}
