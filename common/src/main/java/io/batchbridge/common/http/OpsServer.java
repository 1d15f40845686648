package io.batchbridge.common.http;

import io.batchbridge.common.json.Json;
import io.batchbridge.common.lifecycle.RoleState;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.util.thread.ScheduledExecutorScheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A role's ops endpoints: {@code GET /metrics} (Prometheus text 0.0.4), {@code GET /health/live} (200 while the
 * role has not failed) and {@code GET /health/ready} (200 when every {@link ReadinessCheck} passes, else 503 with
 * {@code {"status":"not_ready","reasons":[...]}}).
 *
 * <p>Served by Jetty's core HTTP server (no servlets), which parses requests without blocking: a client that
 * connects and sends half a request, or nothing, holds a socket but no thread, so it cannot starve the probes.
 * Such a connection is closed after {@link OpsSettings#idleTimeout()}; at {@link OpsSettings#maxConnections()}
 * the server stops accepting and gives the connections it holds {@link #LIMITED_IDLE_TIMEOUT}. A handful of
 * daemon threads run the handlers, none of them the role's poll threads.
 */
public final class OpsServer implements AutoCloseable {
    /** The Prometheus text exposition format the {@code /metrics} endpoint serves. */
    public static final String METRICS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
    /** Idle timeout of the connections held while the server is at its connection limit. */
    public static final Duration LIMITED_IDLE_TIMEOUT = Duration.ofSeconds(1);

    private static final Logger log = LoggerFactory.getLogger(OpsServer.class);
    private static final String JSON = "application/json";
    private static final int MAX_THREADS = 8;
    private static final int MIN_THREADS = 2;

    private final Server server;
    private final ServerConnector connector;
    private final PrometheusMeterRegistry registry;
    private final BooleanSupplier live;
    private final List<ReadinessCheck> checks;

    private OpsServer(Builder b) throws Exception {
        this.registry = b.registry;
        this.live = b.live;
        this.checks = List.copyOf(b.checks);
        QueuedThreadPool threads = new QueuedThreadPool(MAX_THREADS, MIN_THREADS);
        threads.setName("ops-http");
        threads.setDaemon(true);
        this.server = new Server(threads, new ScheduledExecutorScheduler("ops-http-timer", true), null);
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        this.connector = new ServerConnector(server, 1, 1, new HttpConnectionFactory(http));
        connector.setHost(b.settings.host());
        connector.setPort(b.settings.port());
        connector.setIdleTimeout(b.settings.idleTimeout().toMillis());
        server.addConnector(connector);
        NetworkConnectionLimit limit = new NetworkConnectionLimit(b.settings.maxConnections(), connector);
        limit.setEndPointIdleTimeout(LIMITED_IDLE_TIMEOUT.toMillis());
        server.addBean(limit);
        connector.addBean(new LimitedIdleTimeout(connector));
        server.setHandler(new Routes());
        try {
            server.start();
        } catch (Exception e) {
            server.stop();
            throw e;
        }
    }

    public static Builder builder(PrometheusMeterRegistry registry) {
        return new Builder(registry);
    }

    /** The bound port (the real one when 0 was asked for). */
    public int port() {
        return connector.getLocalPort();
    }

    /** {@code http://host:port} as a client on this machine reaches it. */
    public URI baseUri() {
        String host = connector.getHost();
        if (host == null || "0.0.0.0".equals(host) || "::".equals(host)) {
            host = "127.0.0.1";
        }
        return URI.create("http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port());
    }

    /** The reasons the role is not ready right now; empty when ready. */
    public List<String> notReadyReasons() {
        List<String> reasons = new ArrayList<>();
        for (ReadinessCheck c : checks) {
            Optional<String> r;
            try {
                r = c.check();
            } catch (RuntimeException e) {
                log.warn("a readiness check threw; reporting not ready", e);
                r = Optional.of("check_error");
            }
            r.ifPresent(reasons::add);
        }
        return reasons;
    }

    @Override
    public void close() {
        try {
            server.stop();
        } catch (Exception e) {
            log.warn("stopping the ops server failed", e);
        }
    }

    private Reply route(String path) {
        return switch (path) {
            case "/metrics" ->
                new Reply(
                        200,
                        METRICS_CONTENT_TYPE,
                        registry.scrape(METRICS_CONTENT_TYPE).getBytes(StandardCharsets.UTF_8));
            case "/health/live" -> liveness();
            case "/health/ready" -> readiness();
            default -> Reply.json(404, Map.of("status", "not_found"));
        };
    }

    private Reply liveness() {
        boolean ok;
        try {
            ok = live.getAsBoolean();
        } catch (RuntimeException e) {
            log.warn("the liveness check threw; reporting not live", e);
            ok = false;
        }
        return Reply.json(ok ? 200 : 503, Map.of("status", ok ? "live" : "not_live"));
    }

    private Reply readiness() {
        List<String> reasons = notReadyReasons();
        if (reasons.isEmpty()) {
            return Reply.json(200, Map.of("status", "ready"));
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", "not_ready");
        body.put("reasons", reasons);
        return Reply.json(503, body);
    }

    /** Only GET and HEAD (Jetty sends no body for HEAD); anything else is 405 with an Allow header. */
    private final class Routes extends Handler.Abstract {
        @Override
        public boolean handle(Request request, Response response, Callback callback) {
            String method = request.getMethod();
            String path = Objects.toString(request.getHttpURI().getPath(), "");
            Reply reply;
            try {
                if ("GET".equals(method) || "HEAD".equals(method)) {
                    reply = route(path);
                } else {
                    response.getHeaders().put(HttpHeader.ALLOW, "GET, HEAD");
                    reply = Reply.json(405, Map.of("status", "method_not_allowed"));
                }
            } catch (RuntimeException e) {
                // A scrape that fails must not take the server down; the client sees a 500.
                log.warn("ops request {} {} failed", method, path, e);
                Response.writeError(request, response, callback, 500);
                return true;
            }
            response.setStatus(reply.status());
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, reply.contentType());
            response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
            response.write(true, ByteBuffer.wrap(reply.body()), callback);
            return true;
        }
    }

    /**
     * The connection limit shortens the idle timeout of the connections open when it is reached; a connection of
     * the same burst that opens a moment later would keep the long one. This gives it the short one too.
     */
    private record LimitedIdleTimeout(ServerConnector connector) implements Connection.Listener {
        @Override
        public void onOpened(Connection connection) {
            if (!connector.isAccepting()) {
                connection.getEndPoint().setIdleTimeout(LIMITED_IDLE_TIMEOUT.toMillis());
            }
        }
    }

    private record Reply(int status, String contentType, byte[] body) {
        static Reply json(int status, Object value) {
            return new Reply(status, JSON, OpsServer.json(value));
        }
    }

    private static byte[] json(Object value) {
        try {
            return Json.MAPPER.writeValueAsBytes(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Builds an {@link OpsServer}; {@link #start()} binds the port. */
    public static final class Builder {
        private final PrometheusMeterRegistry registry;
        private final List<ReadinessCheck> checks = new ArrayList<>();
        private OpsSettings settings = new OpsSettings(OpsKeys.DEFAULT_HOST, 0);
        private BooleanSupplier live = () -> true;

        private Builder(PrometheusMeterRegistry registry) {
            this.registry = Objects.requireNonNull(registry, "registry");
        }

        public Builder settings(OpsSettings settings) {
            this.settings = Objects.requireNonNull(settings, "settings");
            return this;
        }

        /** What {@code /health/live} reports; defaults to always live. */
        public Builder liveness(BooleanSupplier live) {
            this.live = Objects.requireNonNull(live, "live");
            return this;
        }

        /** Adds a condition of {@code /health/ready}. */
        public Builder readiness(ReadinessCheck check) {
            checks.add(Objects.requireNonNull(check, "check"));
            return this;
        }

        /**
         * Wires a {@link RoleState}: live unless {@link RoleState#FAILED}; not ready (reason
         * {@code state_<name>}, e.g. {@code state_starting}) unless {@link RoleState#RUNNING}.
         */
        public Builder roleState(Supplier<RoleState> state) {
            Objects.requireNonNull(state, "state");
            liveness(() -> state.get() != RoleState.FAILED);
            return readiness(() -> {
                RoleState s = state.get();
                return s == RoleState.RUNNING
                        ? Optional.empty()
                        : Optional.of("state_" + s.name().toLowerCase(java.util.Locale.ROOT));
            });
        }

        /** Binds and starts serving. */
        public OpsServer start() {
            if (!settings.enabled()) {
                throw new IllegalStateException(
                        OpsKeys.HTTP_PORT + " is -1 (ops server off); check OpsSettings.enabled() before starting");
            }
            try {
                return new OpsServer(this);
            } catch (IOException e) {
                throw new UncheckedIOException(bindFailure(), e);
            } catch (Exception e) {
                throw new IllegalStateException(bindFailure(), e);
            }
        }

        private String bindFailure() {
            return "cannot bind the ops server to " + settings.host() + ":" + settings.port();
        }
    }
}
