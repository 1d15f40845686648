package io.batchbridge.client;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The configured API accounts, by name. Sources, highest precedence first:
 *
 * <ol>
 *   <li>Properties {@code bridge.api.accounts=<a,b>} and per account {@code bridge.api.account.<name>.key}
 *       (sent as {@code x-api-key}) <em>or</em> {@code .auth.token} (sent as {@code Authorization: Bearer}),
 *       {@code .base.url}, {@code .workspace.id}, {@code .requests.per.minute}, {@code .dedicated} (true: the account serves this deployment only, so batches the bridge recognises as its own by exclusion may be adopted or cancelled; default false: such batches are only reported).
 *   <li>For the account named {@code default} only: properties {@code anthropic.apiKey} /
 *       {@code anthropic.authToken} / {@code anthropic.baseUrl}, then environment {@code ANTHROPIC_API_KEY} /
 *       {@code ANTHROPIC_AUTH_TOKEN} / {@code ANTHROPIC_BASE_URL} (the names the official SDKs read). A key or
 *       token there creates the {@code default} account even if it is not listed; when both an API key and an
 *       auth token are found there, the API key is used ({@code x-api-key} stays the default).
 *   <li>Defaults: base URL {@code https://api.anthropic.com}; requests per minute from
 *       {@code bridge.api.requests.per.minute}, else 1000 (the Start tier's batch RPM).
 * </ol>
 *
 * All problems are reported at once, each by key, rule and value; keys are never echoed with their value.
 */
public final class ApiAccounts {
    public static final String DEFAULT = "default";
    public static final String ACCOUNTS_KEY = "bridge.api.accounts";
    public static final String RPM_KEY = "bridge.api.requests.per.minute";
    public static final URI DEFAULT_BASE_URL = URI.create("https://api.anthropic.com");
    public static final int DEFAULT_RPM = 1000;

    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_-]{0,63}");
    private static final Pattern ACCOUNT_KEY = Pattern.compile(
            "bridge\\.api\\.account\\.([^.]+)\\.(key|auth\\.token|base\\.url|workspace\\.id|requests\\.per\\.minute|dedicated)");

    private final Map<String, ApiAccount> accounts;

    private ApiAccounts(Map<String, ApiAccount> accounts) {
        this.accounts = Collections.unmodifiableMap(new LinkedHashMap<>(accounts));
    }

    /** Builds the accounts from an environment map (e.g. {@code System.getenv()}) and properties. */
    public static ApiAccounts from(Map<String, String> env, Map<String, String> props) {
        List<String> errors = new ArrayList<>();
        Set<String> names = listedNames(props, errors);
        String envKey = firstNonBlank(props.get("anthropic.apiKey"), env.get("ANTHROPIC_API_KEY"));
        String envToken = firstNonBlank(props.get("anthropic.authToken"), env.get("ANTHROPIC_AUTH_TOKEN"));
        if (envKey != null
                || envToken != null
                || props.containsKey(account(DEFAULT, "key"))
                || props.containsKey(account(DEFAULT, "auth.token"))) {
            names.add(DEFAULT);
        }
        checkUnlistedKeys(props, names, errors);
        int defaultRpm = rpm(props, RPM_KEY, DEFAULT_RPM, errors);
        Map<String, ApiAccount> result = new LinkedHashMap<>();
        for (String name : names) {
            boolean dflt = name.equals(DEFAULT);
            String ownKey = firstNonBlank(props.get(account(name, "key")), null);
            String ownToken = firstNonBlank(props.get(account(name, "auth.token")), null);
            if (ownKey != null && ownToken != null) {
                errors.add(account(name, "key") + " and " + account(name, "auth.token")
                        + " must not both be set but were (choose x-api-key or Authorization: Bearer)");
            }
            ApiAccount.Credential credential =
                    ownToken != null && ownKey == null ? ApiAccount.Credential.BEARER : ApiAccount.Credential.API_KEY;
            String key = ownKey != null ? ownKey : ownToken;
            if (key == null && dflt) {
                key = envKey != null ? envKey : envToken;
                credential = envKey == null && envToken != null
                        ? ApiAccount.Credential.BEARER
                        : ApiAccount.Credential.API_KEY;
            }
            String url = firstNonBlank(
                    props.get(account(name, "base.url")),
                    dflt ? firstNonBlank(props.get("anthropic.baseUrl"), env.get("ANTHROPIC_BASE_URL")) : null);
            URI baseUrl = baseUrl(name, url, errors);
            int rpm = rpm(props, account(name, "requests.per.minute"), defaultRpm, errors);
            Optional<String> workspace =
                    Optional.ofNullable(firstNonBlank(props.get(account(name, "workspace.id")), null));
            if (key == null) {
                errors.add(account(name, "key") + " must be set but was missing (or " + account(name, "auth.token")
                        + (dflt ? ", ANTHROPIC_API_KEY or ANTHROPIC_AUTH_TOKEN)" : ")"));
            } else if (baseUrl != null && rpm > 0) {
                boolean dedicated = dedicated(props, account(name, "dedicated"), errors);
                result.put(name, new ApiAccount(name, baseUrl, Secret.of(key), workspace, rpm, credential, dedicated));
            }
        }
        if (!errors.isEmpty()) {
            throw new IllegalArgumentException("invalid API account configuration: " + String.join("; ", errors));
        }
        return new ApiAccounts(result);
    }

    /** These accounts, in this order (e.g. one account on an emulator). */
    public static ApiAccounts of(ApiAccount... accounts) {
        Map<String, ApiAccount> byName = new LinkedHashMap<>();
        for (ApiAccount a : accounts) {
            byName.put(a.name(), a);
        }
        return new ApiAccounts(byName);
    }

    /** The account with this name; an {@link IllegalArgumentException} naming the known ones otherwise. */
    public ApiAccount get(String name) {
        ApiAccount a = accounts.get(name);
        if (a == null) {
            throw new IllegalArgumentException("unknown API account " + name + "; configured: " + accounts.keySet());
        }
        return a;
    }

    /** The account named {@code default} if configured, else the first listed one. */
    public ApiAccount defaultAccount() {
        if (accounts.isEmpty()) {
            throw new IllegalStateException(
                    "no API account configured: set ANTHROPIC_API_KEY or " + ACCOUNTS_KEY + " with their keys");
        }
        ApiAccount a = accounts.get(DEFAULT);
        return a != null ? a : accounts.values().iterator().next();
    }

    /** Names in configuration order. */
    public Set<String> names() {
        return accounts.keySet();
    }

    @Override
    public String toString() {
        return "ApiAccounts" + accounts.values();
    }

    private static Set<String> listedNames(Map<String, String> props, List<String> errors) {
        Set<String> names = new LinkedHashSet<>();
        String listed = props.get(ACCOUNTS_KEY);
        if (listed == null) {
            return names;
        }
        for (String raw : listed.split(",")) {
            String n = raw.trim();
            if (n.isEmpty()) {
                continue;
            }
            if (!NAME.matcher(n).matches()) {
                errors.add(ACCOUNTS_KEY + " names must match " + NAME.pattern() + " but contained " + n);
            } else if (!names.add(n)) {
                errors.add(ACCOUNTS_KEY + " names must be unique but " + n + " appears twice");
            }
        }
        return names;
    }

    private static void checkUnlistedKeys(Map<String, String> props, Set<String> names, List<String> errors) {
        for (String k : props.keySet()) {
            Matcher m = ACCOUNT_KEY.matcher(k);
            if (k.startsWith("bridge.api.account.") && !m.matches()) {
                errors.add(k + " is not a known account key (key, auth.token, base.url, workspace.id,"
                        + " requests.per.minute, dedicated)");
            } else if (m.matches() && !names.contains(m.group(1))) {
                errors.add(k + " refers to account " + m.group(1) + " which is not listed in " + ACCOUNTS_KEY + " "
                        + names);
            }
        }
    }

    private static boolean dedicated(Map<String, String> props, String key, List<String> errors) {
        String v = props.get(key);
        if (v == null || v.isBlank()) {
            return false;
        }
        String t = v.trim().toLowerCase(java.util.Locale.ROOT);
        if (!t.equals("true") && !t.equals("false")) {
            errors.add(key + " must be true or false but was " + v.trim());
            return false;
        }
        return t.equals("true");
    }

    private static URI baseUrl(String name, String value, List<String> errors) {
        if (value == null) {
            return DEFAULT_BASE_URL;
        }
        String key = name.equals(DEFAULT)
                ? account(name, "base.url") + " (or ANTHROPIC_BASE_URL)"
                : account(name, "base.url");
        try {
            URI uri = new URI(value.trim());
            String scheme = uri.getScheme();
            if (uri.getHost() == null || scheme == null || !(scheme.equals("http") || scheme.equals("https"))) {
                errors.add(key + " must be an absolute http(s) URL but was " + value);
                return null;
            }
            return uri;
        } catch (URISyntaxException e) {
            errors.add(key + " must be an absolute http(s) URL but was " + value);
            return null;
        }
    }

    private static int rpm(Map<String, String> props, String key, int dflt, List<String> errors) {
        String v = props.get(key);
        if (v == null) {
            return dflt;
        }
        try {
            int n = Integer.parseInt(v.trim());
            if (n >= 1 && n <= 1_000_000) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        errors.add(key + " must be an integer between 1 and 1000000 but was " + v);
        return -1;
    }

    private static String account(String name, String suffix) {
        return "bridge.api.account." + name + "." + suffix;
    }

    private static String firstNonBlank(String a, String b) {
        if (a != null && !a.isBlank()) {
            return a.trim();
        }
        return b != null && !b.isBlank() ? b.trim() : null;
    }
}
