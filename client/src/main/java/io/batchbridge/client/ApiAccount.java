package io.batchbridge.client;

import java.net.URI;
import java.util.Objects;
import java.util.Optional;

/**
 * One Message Batches API account: where to call, with which key, in which workspace, and how many
 * requests per minute its batch rate-limit tier allows (the client's rate limiter is sized from it).
 * {@code toString} is safe to log: the key prints as {@code ***}.
 *
 * @param name the account's name in configuration ({@code default} for the one from {@code ANTHROPIC_API_KEY})
 * @param baseUrl the API origin, e.g. {@code https://api.anthropic.com} (an optional path prefix is kept)
 * @param apiKey the credential: an API key (sent as {@code x-api-key}) or an auth token (sent as
 *     {@code Authorization: Bearer}), as {@code credential} says
 * @param workspaceId sent as {@code anthropic-workspace-id} when present
 * @param requestsPerMinute the account's batch RPM limit, across all batch endpoints
 * @param credential how {@code apiKey} is sent; {@link Credential#API_KEY} unless configured otherwise
 */
public record ApiAccount(
        String name,
        URI baseUrl,
        Secret apiKey,
        Optional<String> workspaceId,
        int requestsPerMinute,
        Credential credential,
        boolean dedicated) {

    /** How an account's secret is sent. */
    public enum Credential {
        /** {@code x-api-key: <key>} — the default (contract §10). */
        API_KEY,
        /** {@code Authorization: Bearer <token>} — an auth token ({@code ANTHROPIC_AUTH_TOKEN} in the SDKs). */
        BEARER
    }

    /** An account sending its key as {@code x-api-key}. */
    public ApiAccount(String name, URI baseUrl, Secret apiKey, Optional<String> workspaceId, int requestsPerMinute) {
        this(name, baseUrl, apiKey, workspaceId, requestsPerMinute, Credential.API_KEY, false);
    }

    /** An account shared with other applications ({@code dedicated} false). */
    public ApiAccount(
            String name,
            URI baseUrl,
            Secret apiKey,
            Optional<String> workspaceId,
            int requestsPerMinute,
            Credential credential) {
        this(name, baseUrl, apiKey, workspaceId, requestsPerMinute, credential, false);
    }

    public ApiAccount {
        Objects.requireNonNull(credential, "credential");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(baseUrl, "baseUrl");
        Objects.requireNonNull(apiKey, "apiKey");
        Objects.requireNonNull(workspaceId, "workspaceId");
        if (!baseUrl.isAbsolute() || baseUrl.getHost() == null) {
            throw new IllegalArgumentException("account " + name + ": base URL must be absolute but was " + baseUrl);
        }
        String scheme = baseUrl.getScheme().toLowerCase(java.util.Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new IllegalArgumentException(
                    "account " + name + ": base URL must use http or https but was " + baseUrl);
        }
        if (requestsPerMinute < 1) {
            throw new IllegalArgumentException(
                    "account " + name + ": requests per minute must be at least 1 but was " + requestsPerMinute);
        }
    }

    /** An account without a workspace, at the given RPM. */
    public static ApiAccount of(String name, URI baseUrl, String apiKey, int requestsPerMinute) {
        return new ApiAccount(name, baseUrl, Secret.of(apiKey), Optional.empty(), requestsPerMinute);
    }

    /** The same account sending its secret the other way. */
    public ApiAccount withCredential(Credential c) {
        return new ApiAccount(name, baseUrl, apiKey, workspaceId, requestsPerMinute, c, dedicated);
    }

    /**
     * The same account declared (or not) dedicated to this deployment: only then may the bridge cancel or adopt a
     * batch it recognises as its own by exclusion (no client tag exists on a batch).
     */
    public ApiAccount withDedicated(boolean d) {
        return new ApiAccount(name, baseUrl, apiKey, workspaceId, requestsPerMinute, credential, d);
    }
}
