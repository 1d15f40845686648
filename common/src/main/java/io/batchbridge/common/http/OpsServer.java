package io.batchbridge.common.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import io.batchbridge.common.json.Json;
import io.batchbridge.common.lifecycle.RoleState;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A role's ops endpoints on the plain JDK HTTP server: {@code GET /metrics} (Prometheus text 0.0.4),
 * {@code GET /health/live} (200 while the role has not failed) and {@code GET /health/ready} (200 when every
 * {@link ReadinessCheck} passes, else 503 with {@code {"status":"not_ready","reasons":[...]}}). Two daemon
 * threads serve it, so a slow scrape never holds up a probe behind it for long and nothing touches the
 * role's poll threads.
 */
public final class OpsServer implements AutoCloseable {
    /** The Prometheus text exposition format the {@code /metrics} endpoint serves. */
    public static final String METRICS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private static final Logger log = LoggerFactory.getLogger(OpsServer.class);
    private static final String JSON = "application/json";

    private final HttpServer server;
    private final ExecutorService executor;
    private final PrometheusMeterRegistry registry;
    private final BooleanSupplier live;
    private final List<ReadinessCheck> checks;

    private OpsServer(Builder b) throws IOException {
        this.registry = b.registry;
        this.live = b.live;
        this.checks = List.copyOf(b.checks);
        this.server = HttpServer.create(new InetSocketAddress(b.settings.host(), b.settings.port()), 0);
        this.executor = Executors.newFixedThreadPool(2, daemonThreads());
        server.setExecutor(executor);
        server.createContext("/", get(this::route));
        server.start();
    }

    public static Builder builder(PrometheusMeterRegistry registry) {
        return new Builder(registry);
    }

    /** The bound port (the real one when 0 was asked for). */
    public int port() {
        return server.getAddress().getPort();
    }

    /** {@code http://host:port} as a client on this machine reaches it. */
    public URI baseUri() {
        InetSocketAddress a = server.getAddress();
        String host = a.getAddress().isAnyLocalAddress()
                ? "127.0.0.1"
                : a.getAddress().getHostAddress();
        return URI.create("http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + a.getPort());
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
        server.stop(0);
        executor.shutdownNow();
    }

    private void route(HttpExchange ex) throws IOException {
        switch (ex.getRequestURI().getPath()) {
            case "/metrics" ->
                respond(
                        ex,
                        200,
                        METRICS_CONTENT_TYPE,
                        registry.scrape(METRICS_CONTENT_TYPE).getBytes(StandardCharsets.UTF_8));
            case "/health/live" -> liveness(ex);
            case "/health/ready" -> readiness(ex);
            default -> respond(ex, 404, JSON, json(Map.of("status", "not_found")));
        }
    }

    private void liveness(HttpExchange ex) throws IOException {
        boolean ok;
        try {
            ok = live.getAsBoolean();
        } catch (RuntimeException e) {
            log.warn("the liveness check threw; reporting not live", e);
            ok = false;
        }
        respond(ex, ok ? 200 : 503, JSON, json(Map.of("status", ok ? "live" : "not_live")));
    }

    private void readiness(HttpExchange ex) throws IOException {
        List<String> reasons = notReadyReasons();
        if (reasons.isEmpty()) {
            respond(ex, 200, JSON, json(Map.of("status", "ready")));
            return;
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", "not_ready");
        body.put("reasons", reasons);
        respond(ex, 503, JSON, json(body));
    }

    /** Only GET and HEAD; anything else is 405 with an Allow header. */
    private static HttpHandler get(HttpHandler inner) {
        return ex -> {
            try (ex) {
                String method = ex.getRequestMethod();
                if (!"GET".equals(method) && !"HEAD".equals(method)) {
                    ex.getResponseHeaders().set("Allow", "GET, HEAD");
                    respond(ex, 405, JSON, json(Map.of("status", "method_not_allowed")));
                    return;
                }
                inner.handle(ex);
            } catch (IOException | RuntimeException e) {
                // A scrape that fails must not kill the server thread; the client sees a reset or a 500.
                log.warn(
                        "ops request {} {} failed",
                        ex.getRequestMethod(),
                        ex.getRequestURI().getPath(),
                        e);
            }
        };
    }

    private static void respond(HttpExchange ex, int status, String contentType, byte[] body) throws IOException {
        ex.getResponseHeaders().set("Content-Type", contentType);
        ex.getResponseHeaders().set("Cache-Control", "no-store");
        boolean head = "HEAD".equals(ex.getRequestMethod());
        ex.sendResponseHeaders(status, head ? -1 : body.length);
        if (!head) {
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        }
    }

    private static byte[] json(Object value) {
        try {
            return Json.MAPPER.writeValueAsBytes(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ThreadFactory daemonThreads() {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, "ops-http-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
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
                throw new UncheckedIOException(
                        "cannot bind the ops server to " + settings.host() + ":" + settings.port(), e);
            }
        }
    }
}
