package io.batchbridge.client.internal;

import io.batchbridge.client.ApiAccount;
import io.batchbridge.client.BatchesApiException;
import io.batchbridge.client.ClientSettings;
import io.batchbridge.common.metrics.BridgeMetric;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * One HTTP attempt against the API: sets the headers, sends, times the exchange ({@code bridge.api.calls},
 * tags {@code op}, {@code status}, {@code account}) and maps a failure through {@link ErrorMapper}. Every body
 * is received as a stream: JSON answers are small and read whole; a results body is handed on unread.
 */
public final class ApiTransport {
    public static final String CALLS_METRIC = BridgeMetric.API_CALLS.metricName();
    private static final int MAX_ERROR_BODY = 64 * 1024;

    private final ApiAccount account;
    private final ClientSettings settings;
    private final MeterRegistry registry;
    private final ErrorMapper errors;
    private final HttpClient http;
    private final String base;

    public ApiTransport(ApiAccount account, ClientSettings settings, MeterRegistry registry, Clock clock) {
        this.account = account;
        this.settings = settings;
        this.registry = registry;
        this.errors = new ErrorMapper(clock);
        String url = account.baseUrl().toString();
        this.base = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        this.http = HttpClient.newBuilder()
                .connectTimeout(settings.connectTimeout())
                // Never follow redirects: the credential (x-api-key or Authorization) must not be replayed to another
                // origin.
                .followRedirects(HttpClient.Redirect.NEVER)
                .version(
                        "https".equalsIgnoreCase(account.baseUrl().getScheme())
                                ? HttpClient.Version.HTTP_2
                                : HttpClient.Version.HTTP_1_1)
                .build();
    }

    /** The account's base URL plus {@code path} (which starts with {@code /}). */
    public URI resolve(String path) {
        return URI.create(base + path);
    }

    /** True when {@code uri} has the base URL's scheme, host and port, so it may receive the key. */
    public boolean sameOrigin(URI uri) {
        URI b = account.baseUrl();
        return uri.isAbsolute()
                && b.getScheme().equalsIgnoreCase(uri.getScheme())
                && b.getHost().equalsIgnoreCase(uri.getHost())
                && port(b) == port(uri);
    }

    /** A request with the account's headers; {@code betas} become one comma-joined {@code anthropic-beta}. */
    public HttpRequest.Builder request(URI uri, Collection<String> betas) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri)
                .timeout(settings.callTimeout())
                .header("anthropic-version", settings.anthropicVersion())
                .header("user-agent", "batch-bridge-client/0.1");
        if (account.credential() == ApiAccount.Credential.BEARER) {
            b.header("authorization", "Bearer " + account.apiKey().reveal());
        } else {
            b.header("x-api-key", account.apiKey().reveal());
        }
        account.workspaceId().ifPresent(w -> b.header("anthropic-workspace-id", w));
        Set<String> unique = new LinkedHashSet<>();
        for (String beta : betas) {
            String v = beta.trim();
            if (v.isEmpty() || v.contains(",") || v.chars().anyMatch(Character::isWhitespace)) {
                throw new IllegalArgumentException("a beta must be one non-blank token but was '" + beta + "'");
            }
            unique.add(v);
        }
        if (!unique.isEmpty()) {
            b.header("anthropic-beta", String.join(",", unique));
        }
        return b;
    }

    /** Sends and returns the whole 2xx body; throws the mapped failure otherwise. */
    public byte[] exchange(String op, HttpRequest request) {
        HttpResponse<InputStream> response = open(op, request);
        try (InputStream in = response.body()) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw errors.fromIo(op, e);
        }
    }

    /** Sends and returns the 2xx response with its body unread; the caller closes the body. */
    public HttpResponse<InputStream> open(String op, HttpRequest request) {
        Timer.Sample sample = Timer.start(registry);
        HttpResponse<InputStream> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            BatchesApiException mapped = errors.fromIo(op, e);
            stop(sample, op, mapped.errorType());
            throw mapped;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stop(sample, op, BatchesApiException.INTERRUPTED);
            throw new BatchesApiException(
                    op,
                    0,
                    BatchesApiException.INTERRUPTED,
                    "interrupted",
                    null,
                    null,
                    false,
                    ErrorMapper.CREATE.equals(op),
                    e);
        }
        stop(sample, op, Integer.toString(response.statusCode()));
        if (response.statusCode() / 100 == 2) {
            return response;
        }
        throw errors.fromResponse(op, response.statusCode(), response.headers(), errorBody(response));
    }

    public ErrorMapper errors() {
        return errors;
    }

    private static byte[] errorBody(HttpResponse<InputStream> response) {
        try (InputStream in = response.body()) {
            return in.readNBytes(MAX_ERROR_BODY);
        } catch (IOException e) {
            return new byte[0];
        }
    }

    private void stop(Timer.Sample sample, String op, String status) {
        sample.stop(BridgeMetric.API_CALLS.timer(registry, op, status, account.name()));
    }

    private static int port(URI u) {
        if (u.getPort() != -1) {
            return u.getPort();
        }
        return "https".equalsIgnoreCase(u.getScheme()) ? 443 : 80;
    }
}
