package io.batchbridge.emulator.internal;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import io.batchbridge.emulator.Fault;
import io.batchbridge.emulator.FaultKind;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** One HTTP exchange: request accessors and the response writers every endpoint shares. */
final class Call {
    private final HttpExchange exchange;
    private final String requestId;
    private final String baseUrl;
    private final Map<String, String> query;
    private Fault fault;

    Call(HttpExchange exchange, String requestId, String fallbackHost) {
        this.exchange = exchange;
        this.requestId = requestId;
        String host = exchange.getRequestHeaders().getFirst("Host");
        this.baseUrl = "http://" + (host == null || host.isBlank() ? fallbackHost : host.trim());
        this.query = parseQuery(exchange.getRequestURI().getRawQuery());
        exchange.getResponseHeaders().set("request-id", requestId);
    }

    HttpExchange exchange() {
        return exchange;
    }

    String requestId() {
        return requestId;
    }

    /** {@code http://host:port} as the client addressed this server. */
    String baseUrl() {
        return baseUrl;
    }

    String query(String name) {
        return query.get(name);
    }

    String header(String name) {
        return exchange.getRequestHeaders().getFirst(name);
    }

    List<String> headers(String name) {
        List<String> values = exchange.getRequestHeaders().get(name);
        return values == null ? List.of() : values;
    }

    void fault(Fault f) {
        this.fault = f;
    }

    Fault fault() {
        return fault;
    }

    void setHeader(String name, String value) {
        exchange.getResponseHeaders().set(name, value);
    }

    void sendError(ApiError e) throws IOException {
        sendJson(e.status(), JsonOut.error(e.type(), e.getMessage(), requestId));
    }

    void sendJson(int status, byte[] body) throws IOException {
        Headers h = exchange.getResponseHeaders();
        h.set("content-type", "application/json");
        if (fault != null && fault.kind() == FaultKind.DROP_MID_STREAM) {
            exchange.sendResponseHeaders(status, body.length);
            OutputStream out = exchange.getResponseBody();
            out.write(body, 0, (int) Math.min(fault.dropAfterBytes(), Math.max(0, body.length - 1)));
            out.flush();
            throw new Dropped();
        }
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    /** Starts a chunked 200 body; a mid-stream drop fault cuts it after its byte count. */
    OutputStream startStream(String contentType) throws IOException {
        exchange.getResponseHeaders().set("content-type", contentType);
        exchange.sendResponseHeaders(200, 0);
        OutputStream out = exchange.getResponseBody();
        if (fault != null && fault.kind() == FaultKind.DROP_MID_STREAM) {
            return new CuttingOutputStream(out, fault.dropAfterBytes());
        }
        return out;
    }

    private static Map<String, String> parseQuery(String raw) {
        Map<String, String> out = new HashMap<>();
        if (raw == null || raw.isEmpty()) {
            return out;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String k = eq < 0 ? pair : pair.substring(0, eq);
            String v = eq < 0 ? "" : pair.substring(eq + 1);
            out.putIfAbsent(URLDecoder.decode(k, StandardCharsets.UTF_8), URLDecoder.decode(v, StandardCharsets.UTF_8));
        }
        return out;
    }
}
