package io.batchbridge.client;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;

/** A tiny JDK HTTP server for behaviours the emulator does not offer (stalls mid-body, header capture). */
final class StubServer implements AutoCloseable {
    static final String BATCH_JSON =
            "{\"id\":\"msgbatch_1\",\"type\":\"message_batch\",\"processing_status\":\"ended\","
                    + "\"request_counts\":{\"processing\":0,\"succeeded\":2,\"errored\":0,\"canceled\":0,\"expired\":0},"
                    + "\"ended_at\":\"2026-11-22T10:00:00.123456Z\",\"created_at\":\"2026-11-22T09:00:00.000001Z\","
                    + "\"expires_at\":\"2026-11-23T09:00:00.000001Z\",\"cancel_initiated_at\":null,\"archived_at\":null,"
                    + "\"results_url\":null}";

    private final HttpServer server;

    StubServer(int port, HttpHandler handler) {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "stub-http");
            t.setDaemon(true);
            return t;
        }));
        server.createContext("/", handler);
        server.start();
    }

    URI baseUrl() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    static void respond(HttpExchange ex, int status, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("content-type", "application/json");
        ex.getResponseHeaders().add("request-id", "req_stub");
        ex.sendResponseHeaders(status, b.length);
        ex.getResponseBody().write(b);
        ex.close();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
