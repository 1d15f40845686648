package io.batchbridge.common.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The models batch-bridge knows: caps, extended-output eligibility, batch prices, and the beta values the
 * API accepts. Data, not code: the defaults ship as {@code models.json} (from the API contract) and an
 * operator can replace them with a file of the same shape ({@code bridge.models.file}). The emulator, the
 * submitter's validation and the worker's pricing all read this one catalogue.
 */
public final class ModelCatalogue {
    /** The extended-output beta: up to 300,000 output tokens per request, batch only. */
    public static final String EXTENDED_OUTPUT_BETA = "output-300k-2026-03-24";

    private static final Pattern DATED = Pattern.compile(".+-\\d{8}");
    private static final String RESOURCE = "/io/batchbridge/common/models.json";

    private final Map<String, ModelInfo> byId;
    private final List<ModelInfo> models;
    private final int extendedMaxTokens;
    private final Set<String> knownBetas;
    private final Set<String> retiredBetas;

    private ModelCatalogue(List<ModelInfo> models, int extendedMaxTokens, Set<String> knownBetas, Set<String> retired) {
        this.models = List.copyOf(models);
        this.extendedMaxTokens = extendedMaxTokens;
        this.knownBetas = Set.copyOf(knownBetas);
        this.retiredBetas = Set.copyOf(retired);
        Map<String, ModelInfo> index = new HashMap<>();
        for (ModelInfo m : models) {
            index.put(m.id(), m);
            m.aliases().forEach(a -> index.put(a, m));
        }
        this.byId = Map.copyOf(index);
    }

    /** The catalogue shipped with batch-bridge. */
    public static ModelCatalogue defaults() {
        try (InputStream in = ModelCatalogue.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("model catalogue resource " + RESOURCE + " is missing");
            }
            return parse(new ObjectMapper().readTree(in), RESOURCE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the model catalogue " + RESOURCE, e);
        }
    }

    /** A catalogue from an operator's file (same shape as the shipped {@code models.json}). */
    public static ModelCatalogue fromFile(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return parse(new ObjectMapper().readTree(in), file.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the model catalogue " + file, e);
        }
    }

    static ModelCatalogue parse(JsonNode root, String source) {
        List<String> errors = new ArrayList<>();
        JsonNode cache = root.path("cache_multipliers");
        double write5m = cache.path("write_5m").asDouble(1.25);
        double write1h = cache.path("write_1h").asDouble(2.0);
        double read = cache.path("read").asDouble(0.1);
        List<ModelInfo> models = new ArrayList<>();
        int i = 0;
        for (JsonNode m : root.path("models")) {
            String id = m.path("id").asText("");
            if (id.isBlank()
                    || !m.path("max_tokens").canConvertToInt()
                    || !m.path("batch_input").isNumber()
                    || !m.path("batch_output").isNumber()) {
                errors.add("models[" + i + "] needs id, max_tokens, batch_input and batch_output");
            } else if (m.has("context_window")
                    && !(m.path("context_window").canConvertToInt()
                            && m.path("context_window").asInt() > 0)) {
                errors.add("models[" + i + "] context_window must be a positive number of tokens");
            } else if (m.has("min_cache_tokens")
                    && !(m.path("min_cache_tokens").canConvertToInt()
                            && m.path("min_cache_tokens").asInt() > 0)) {
                errors.add("models[" + i + "] min_cache_tokens must be a positive number of tokens");
            } else {
                List<String> aliases = new ArrayList<>();
                m.path("aliases").forEach(a -> aliases.add(a.asText()));
                Prices prices;
                try {
                    prices = new Prices(
                            m.path("batch_input").asDouble(),
                            m.path("batch_output").asDouble(),
                            write5m,
                            write1h,
                            m.path("cache_read_multiplier").asDouble(read));
                } catch (IllegalArgumentException e) {
                    errors.add("models[" + i + "] " + e.getMessage());
                    i++;
                    continue;
                }
                models.add(new ModelInfo(
                        id,
                        aliases,
                        m.path("max_tokens").asInt(),
                        m.path("extended_output").asBoolean(false),
                        prices,
                        m.path("context_window").asInt(ModelInfo.STANDARD_CONTEXT_WINDOW),
                        m.path("min_cache_tokens").asInt(ModelInfo.DEFAULT_MIN_CACHE_TOKENS)));
            }
            i++;
        }
        if (models.isEmpty()) {
            errors.add("no models");
        }
        if (!errors.isEmpty()) {
            throw new IllegalArgumentException(
                    "model catalogue " + source + " is invalid: " + String.join("; ", errors));
        }
        Set<String> betas = new LinkedHashSet<>();
        root.path("known_betas").forEach(b -> betas.add(b.asText()));
        betas.add(EXTENDED_OUTPUT_BETA);
        Set<String> retired = new LinkedHashSet<>();
        root.path("retired_betas").forEach(b -> retired.add(b.asText()));
        return new ModelCatalogue(models, root.path("extended_max_tokens").asInt(300_000), betas, retired);
    }

    /**
     * The model for an id or alias, or for a dated id of one ({@code claude-opus-4-8-20260101} is
     * {@code claude-opus-4-8}): the API names snapshots {@code <model>-YYYYMMDD}, and the sources use dated ids
     * the catalogue cannot list in advance.
     */
    public Optional<ModelInfo> find(String model) {
        if (model == null) {
            return Optional.empty();
        }
        ModelInfo m = byId.get(model);
        if (m == null && DATED.matcher(model).matches() && validDate(model.substring(model.length() - 8))) {
            m = byId.get(model.substring(0, model.length() - 9));
        }
        return Optional.ofNullable(m);
    }

    private static boolean validDate(String yyyymmdd) {
        try {
            LocalDate.parse(yyyymmdd, DateTimeFormatter.BASIC_ISO_DATE);
            return true;
        } catch (DateTimeParseException e) {
            return false;
        }
    }

    public List<ModelInfo> models() {
        return models;
    }

    /** The output cap the extended-output beta gives eligible models (300,000). */
    public int extendedMaxTokens() {
        return extendedMaxTokens;
    }

    /** The cap for a model in a batch, with or without the extended-output beta. */
    public int maxTokens(ModelInfo model, Collection<String> betas) {
        return model.maxTokens(betas.contains(EXTENDED_OUTPUT_BETA), extendedMaxTokens);
    }

    /** Beta header values the API accepts. */
    public Set<String> knownBetas() {
        return knownBetas;
    }

    /** Beta values that once existed and are no longer accepted (e.g. {@code context-1m-2025-08-07}). */
    public Set<String> retiredBetas() {
        return retiredBetas;
    }
}
