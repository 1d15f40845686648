package io.batchbridge.common.http;

import io.batchbridge.common.config.BridgeConfig;
import java.time.Duration;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;

/**
 * The ops server keys ({@code /metrics}, {@code /health/*}), added by each role to its own ConfigDef. Roles
 * running side by side on one host need different ports, hence a default per role.
 */
public final class OpsKeys {
    /** Interface the ops server binds. */
    public static final String HTTP_HOST = "bridge.http.host";
    /** Port of the ops server; 0 picks a free port, -1 turns it off. */
    public static final String HTTP_PORT = "bridge.http.port";

    /** How long an ops connection may stay silent, half a request included, before it is closed. */
    public static final String HTTP_IDLE_TIMEOUT_MS = "bridge.http.idle.timeout.ms";
    /** Ops connections served at once. */
    public static final String HTTP_MAX_CONNECTIONS = "bridge.http.max.connections";

    public static final String DEFAULT_HOST = "0.0.0.0";
    public static final long DEFAULT_IDLE_TIMEOUT_MS = 10_000;
    public static final int DEFAULT_MAX_CONNECTIONS = 128;
    public static final int SUBMITTER_DEFAULT_PORT = 9401;
    public static final int WORKER_DEFAULT_PORT = 9402;
    /** Default for {@link #addTo(ConfigDef)}. */
    public static final int DEFAULT_PORT = 9400;

    private OpsKeys() {}

    /** Adds the keys with port {@value #DEFAULT_PORT} as default. */
    public static ConfigDef addTo(ConfigDef def) {
        return addTo(def, DEFAULT_PORT);
    }

    /** Adds the keys with the role's default port. */
    public static ConfigDef addTo(ConfigDef def, int defaultPort) {
        return def.define(
                        HTTP_HOST,
                        Type.STRING,
                        DEFAULT_HOST,
                        new ConfigDef.NonEmptyString(),
                        Importance.LOW,
                        "Interface the ops HTTP server (/metrics, /health/live, /health/ready) binds. The default"
                                + " listens on every interface so that kubelet probes and Prometheus reach it; restrict"
                                + " who may connect with a NetworkPolicy (deploy/k8s) or bind 127.0.0.1 where only"
                                + " local clients need it.")
                .define(
                        HTTP_PORT,
                        Type.INT,
                        defaultPort,
                        Range.between(-1, 65_535),
                        Importance.MEDIUM,
                        "Port of the ops HTTP server serving /metrics (Prometheus text), /health/live and"
                                + " /health/ready. 0 picks a free port; -1 turns the server off.")
                .define(
                        HTTP_IDLE_TIMEOUT_MS,
                        Type.LONG,
                        DEFAULT_IDLE_TIMEOUT_MS,
                        Range.atLeast(1),
                        Importance.LOW,
                        "An ops connection that sends nothing for this long is closed, also while it holds half a"
                                + " request. Requests are parsed without blocking, so a silent connection holds no"
                                + " thread and never delays a probe.")
                .define(
                        HTTP_MAX_CONNECTIONS,
                        Type.INT,
                        DEFAULT_MAX_CONNECTIONS,
                        Range.atLeast(1),
                        Importance.LOW,
                        "Ops connections served at once. At the limit the server stops accepting and closes"
                                + " connections it holds that stay silent for 1 s, so new probes get a slot.");
    }

    public static OpsSettings settings(BridgeConfig config) {
        return new OpsSettings(
                config.getString(HTTP_HOST),
                config.getInt(HTTP_PORT),
                Duration.ofMillis(config.getLong(HTTP_IDLE_TIMEOUT_MS)),
                config.getInt(HTTP_MAX_CONNECTIONS));
    }
}
