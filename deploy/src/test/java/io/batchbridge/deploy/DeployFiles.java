package io.batchbridge.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.batchbridge.common.config.ConfigSources;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** Reads the files under {@code deploy/} (the module's base directory when Maven runs the tests). */
final class DeployFiles {
    static final Path ROOT = Path.of("").toAbsolutePath();
    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    static final ObjectMapper JSON = new ObjectMapper();

    private DeployFiles() {}

    static Path path(String relative) {
        return ROOT.resolve(relative);
    }

    static String text(String relative) {
        try {
            return Files.readString(path(relative));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every YAML or JSON file a user copies: everything under deploy/ except the build and the Java sources. */
    static List<Path> manifests() {
        try (Stream<Path> s = Files.walk(ROOT)) {
            return s.filter(Files::isRegularFile)
                    .filter(p -> !ROOT.relativize(p).startsWith("target")
                            && !ROOT.relativize(p).startsWith("src"))
                    .filter(p -> p.toString().matches(".*\\.(ya?ml|json)$"))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every document of a (multi-document) YAML file; JSON files are one document. */
    static List<JsonNode> documents(Path file) {
        try {
            if (file.toString().endsWith(".json")) {
                return List.of(JSON.readTree(file.toFile()));
            }
            // SnakeYAML (under Jackson's YAML module) resolves anchors, aliases and merge keys (<<: *x) as compose
            // does.
            List<JsonNode> docs = new ArrayList<>();
            try (java.io.Reader r = Files.newBufferedReader(file)) {
                for (Object d : new org.yaml.snakeyaml.Yaml().loadAll(r)) {
                    if (d != null) {
                        docs.add(JSON.valueToTree(d));
                    }
                }
            }
            return docs;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot parse " + ROOT.relativize(file), e);
        }
    }

    static List<JsonNode> documents(String relative) {
        return documents(path(relative));
    }

    /** Every document of every manifest of a kind, e.g. {@code Deployment}. */
    static List<JsonNode> ofKind(String kind) {
        return manifests().stream()
                .flatMap(p -> documents(p).stream())
                .filter(d -> kind.equals(d.path("kind").asText()))
                .toList();
    }

    static Map<String, String> properties(String relative) {
        return ConfigSources.readProperties(path(relative));
    }
}
