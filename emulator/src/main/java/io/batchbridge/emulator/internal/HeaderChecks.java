package io.batchbridge.emulator.internal;

import io.batchbridge.common.model.ModelCatalogue;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** Header checks every API call passes: authentication, {@code anthropic-version}, {@code anthropic-beta}. */
final class HeaderChecks {
    static final Set<String> VERSIONS = Set.of("2023-06-01", "2023-01-01", "2026-10-21");
    private final String apiKey;
    private final ModelCatalogue catalogue;

    HeaderChecks(String apiKey, ModelCatalogue catalogue) {
        this.apiKey = apiKey;
        this.catalogue = catalogue;
    }

    /** Checks all headers and returns the batch's beta values (known values only, in order, no duplicates). */
    List<String> check(Call c) {
        authenticate(c);
        version(c);
        return betas(c);
    }

    private void authenticate(Call c) {
        String key = c.header("x-api-key");
        if (key == null) {
            String auth = c.header("authorization");
            if (auth != null && auth.regionMatches(true, 0, "Bearer", 0, 6)) {
                key = auth.substring(6).trim();
            } else if (auth != null) {
                throw new ApiError(401, "authentication_error", "invalid x-api-key");
            }
        }
        if (key == null) {
            throw new ApiError(401, "authentication_error", "x-api-key header is required");
        }
        if (key.isBlank() || (apiKey != null && !apiKey.equals(key.trim()))) {
            throw new ApiError(401, "authentication_error", "invalid x-api-key");
        }
    }

    private static void version(Call c) {
        String v = c.header("anthropic-version");
        if (v == null || v.isBlank()) {
            throw ApiError.invalid("anthropic-version: header is required");
        }
        if (!VERSIONS.contains(v.trim())) {
            throw ApiError.invalid("anthropic-version: \"" + v.trim()
                    + "\" is not a valid version. Please consult our documentation at docs.claude.com");
        }
    }

    private List<String> betas(Call c) {
        Set<String> values = new LinkedHashSet<>();
        for (String header : c.headers("anthropic-beta")) {
            for (String v : header.split(",")) {
                String t = v.trim();
                if (!t.isEmpty()) {
                    values.add(t);
                }
            }
        }
        List<String> unexpected = new ArrayList<>();
        for (String v : values) {
            String lower = v.toLowerCase(Locale.ROOT);
            if (catalogue.retiredBetas().contains(lower)
                    || !catalogue.knownBetas().contains(lower)) {
                unexpected.add("`" + v + "`");
            }
        }
        if (!unexpected.isEmpty()) {
            throw ApiError.invalid("Unexpected value(s) " + String.join(", ", unexpected)
                    + " for the `anthropic-beta` header. Please consult our documentation at docs.claude.com"
                    + " or try again without the header.");
        }
        return List.copyOf(values);
    }
}
