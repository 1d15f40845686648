package io.batchbridge.emulator.internal;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.batchbridge.emulator.Endpoint;
import io.batchbridge.emulator.Fault;
import io.batchbridge.emulator.FaultKind;
import java.io.IOException;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one HTTP handler: routes a call to its endpoint, injects faults, checks headers, adds the headers every
 * response carries and turns {@link ApiError}s into the API's error envelope. Logs ids and paths only, never
 * bodies or keys.
 */
public final class HttpFront implements HttpHandler {
    private static final Logger LOG = LoggerFactory.getLogger(HttpFront.class);
    private static final String PREFIX = "/v1/messages/batches";
    private static final String COUNT_TOKENS = "/v1/messages/count_tokens";

    private final Ids ids;
    private final FaultTable faults;
    private final HeaderChecks headerChecks;
    private final ApiHandlers api;
    private final AdminHandler admin;
    private final SimClock clock;
    private final RateLimits rateLimits = new RateLimits();
    private final String organizationId;
    private volatile String fallbackHost = "127.0.0.1";

    public HttpFront(EmulatorSettings settings, SimClock clock, BatchStore store, FaultTable faults) {
        this.ids = new Ids(settings.seed());
        this.faults = faults;
        this.clock = clock;
        this.headerChecks = new HeaderChecks(settings.apiKey(), settings.catalogue());
        this.api = new ApiHandlers(settings, clock, store, ids);
        this.admin = new AdminHandler(faults, clock);
        this.organizationId = new UUID(Hashing.mix(settings.seed()), Hashing.mix(~settings.seed())).toString();
    }

    /** The {@code host:port} used for {@code results_url} when a request carries no Host header. */
    public void fallbackHost(String hostAndPort) {
        this.fallbackHost = hostAndPort;
    }

    /** A route: the endpoint and the batch id in the path (or null). */
    record Route(Endpoint endpoint, String batchId) {}

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        Call c = new Call(exchange, ids.requestId(), fallbackHost);
        try {
            dispatch(c, exchange.getRequestURI().getPath());
        } catch (Dropped e) {
            // Do not close the exchange: that would end a chunked body cleanly. Throwing makes the server
            // close the socket, which is what a cut connection looks like to the client.
            LOG.debug("dropped connection of {} on purpose", c.requestId());
            throw e;
        } catch (IOException e) {
            LOG.debug("client went away during {}: {}", c.requestId(), e.toString());
            throw e;
        }
        exchange.close();
    }

    private void dispatch(Call c, String path) throws IOException {
        try {
            if (path.startsWith(AdminHandler.PREFIX)) {
                admin.handle(c, path);
            } else {
                serve(c, path);
            }
        } catch (ApiError e) {
            c.sendError(e);
        } catch (RuntimeException e) {
            LOG.warn("internal error serving {} {}", c.exchange().getRequestMethod(), c.requestId(), e);
            c.sendError(new ApiError(500, "api_error", "Internal server error"));
        }
    }

    private void serve(Call c, String path) throws IOException {
        Route route = route(c.exchange().getRequestMethod(), path);
        String[] limits = rateLimits.take(clock.realNow());
        c.setHeader("anthropic-organization-id", organizationId);
        c.setHeader("anthropic-ratelimit-requests-limit", limits[0]);
        c.setHeader("anthropic-ratelimit-requests-remaining", limits[1]);
        c.setHeader("anthropic-ratelimit-requests-reset", limits[2]);
        Fault fault = faults.draw(route.endpoint());
        if (fault != null) {
            c.fault(fault);
            inject(c, fault);
        }
        List<String> betas = headerChecks.check(c);
        api.handle(route.endpoint(), route.batchId(), betas, c);
    }

    private static void inject(Call c, Fault fault) throws IOException {
        FaultKind kind = fault.kind();
        if (kind == FaultKind.SLOW) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(fault.delay().toMillis()));
        } else if (kind == FaultKind.DROP_CONNECTION) {
            throw new Dropped();
        } else if (kind.isStatus()) {
            if (fault.retryAfter() != null) {
                long ms = fault.retryAfter().toMillis();
                c.setHeader("retry-after", Long.toString((ms + 999) / 1000));
                c.setHeader("retry-after-ms", Long.toString(ms));
            }
            if (fault.shouldRetry() != null) {
                c.setHeader("x-should-retry", fault.shouldRetry().toString());
            }
            throw new ApiError(kind.status(), kind.errorType(), kind.message());
        }
    }

    static Route route(String method, String path) {
        String p = path.endsWith("/") && path.length() > 1 ? path.substring(0, path.length() - 1) : path;
        if (p.equals(COUNT_TOKENS)) {
            return method.equals("POST") ? new Route(Endpoint.COUNT_TOKENS, null) : failNotAllowed();
        }
        if (p.equals(PREFIX)) {
            return switch (method) {
                case "POST" -> new Route(Endpoint.CREATE, null);
                case "GET" -> new Route(Endpoint.LIST, null);
                default -> throw notAllowed();
            };
        }
        if (!p.startsWith(PREFIX + "/")) {
            throw ApiError.notFound("Not Found");
        }
        String[] parts = p.substring(PREFIX.length() + 1).split("/");
        if (parts.length == 1) {
            return switch (method) {
                case "GET" -> new Route(Endpoint.RETRIEVE, parts[0]);
                case "DELETE" -> new Route(Endpoint.DELETE, parts[0]);
                default -> throw notAllowed();
            };
        }
        if (parts.length == 2 && parts[1].equals("cancel")) {
            return method.equals("POST") ? new Route(Endpoint.CANCEL, parts[0]) : failNotAllowed();
        }
        if (parts.length == 2 && parts[1].equals("results")) {
            return method.equals("GET") ? new Route(Endpoint.RESULTS, parts[0]) : failNotAllowed();
        }
        throw ApiError.notFound("Not Found");
    }

    private static Route failNotAllowed() {
        throw notAllowed();
    }

    private static ApiError notAllowed() {
        return new ApiError(405, "invalid_request_error", "Method Not Allowed");
    }
}
