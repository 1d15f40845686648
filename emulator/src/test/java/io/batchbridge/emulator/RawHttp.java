package io.batchbridge.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Raw {@code java.net.http} helpers for tests that check exact bytes, statuses and headers. */
final class RawHttp {
    static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient CLIENT =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private RawHttp() {}

    /** A request with valid default headers ({@code x-api-key}, {@code anthropic-version: 2023-06-01}). */
    static HttpRequest.Builder request(Emulator e, String path) {
        return bare(e, path).header("x-api-key", "sk-test").header("anthropic-version", "2023-06-01");
    }

    static HttpRequest.Builder bare(Emulator e, String path) {
        return HttpRequest.newBuilder(URI.create(e.baseUrl() + path)).timeout(Duration.ofSeconds(30));
    }

    static HttpRequest get(Emulator e, String path) {
        return request(e, path).GET().build();
    }

    static HttpResponse<String> send(HttpRequest r) {
        try {
            return CLIENT.send(r, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static HttpResponse<String> post(Emulator e, String path, String body) {
        return send(request(e, path)
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build());
    }

    static JsonNode json(String body) {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One request item with a user prompt. */
    static String item(String customId, String model, long maxTokens, String prompt) {
        return "{\"custom_id\":\"" + customId + "\",\"params\":{\"model\":\"" + model + "\",\"max_tokens\":" + maxTokens
                + ",\"messages\":[{\"role\":\"user\",\"content\":" + quote(prompt) + "}]}}";
    }

    static String batch(String... items) {
        return "{\"requests\":[" + String.join(",", items) + "]}";
    }

    static String quote(String s) {
        try {
            return JSON.writeValueAsString(s);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
