package io.batchbridge.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every YAML (multi-document) and JSON file under deploy/ parses, and every Kubernetes document is typed. */
class DeployFilesParseTest {
    @Test
    void everyYamlAndJsonFileParses() {
        List<Path> files = DeployFiles.manifests();
        assertThat(files.stream()
                        .map(p -> DeployFiles.ROOT.relativize(p).toString().replace('\\', '/')))
                .contains(
                        "prometheus/alerts.yml",
                        "grafana/batch-bridge.json",
                        "compose/compose.yaml",
                        "compose/prometheus.yml",
                        "k8s/base/kustomization.yaml",
                        "k8s/base/topics.yaml",
                        "k8s/base/networkpolicy.yaml",
                        "k8s/components/kafka-users/kafkausers.yaml",
                        "k8s/overlays/example/kustomization.yaml",
                        "k8s/components/keda/scaledobjects.yaml");
        for (Path file : files) {
            assertThatCode(() -> DeployFiles.documents(file))
                    .as(file.toString())
                    .doesNotThrowAnyException();
            assertThat(DeployFiles.documents(file)).as(file + " has content").isNotEmpty();
        }
    }

    @Test
    void everyKubernetesDocumentHasApiVersionKindAndName() {
        for (Path file : DeployFiles.manifests()) {
            if (!DeployFiles.ROOT.relativize(file).startsWith("k8s")) {
                continue;
            }
            for (JsonNode doc : DeployFiles.documents(file)) {
                assertThat(doc.path("apiVersion").asText())
                        .as(file + " apiVersion")
                        .isNotBlank();
                assertThat(doc.path("kind").asText()).as(file + " kind").isNotBlank();
                if (!doc.path("kind").asText().matches("Kustomization|Component")) {
                    assertThat(doc.path("metadata").path("name").asText())
                            .as(file + " name")
                            .isNotBlank();
                }
            }
        }
    }

    @Test
    void kustomizationsListOnlyFilesThatExist() {
        for (String dir :
                List.of("k8s/base", "k8s/overlays/example", "k8s/components/keda", "k8s/components/kafka-users")) {
            JsonNode k = DeployFiles.documents(dir + "/kustomization.yaml").get(0);
            for (String field : List.of("resources", "components")) {
                k.path(field)
                        .forEach(r -> assertThat(DeployFiles.path(dir).resolve(r.asText()))
                                .as(dir + " " + field)
                                .exists());
            }
            k.path("patches").forEach(p -> {
                if (p.has("path")) {
                    assertThat(DeployFiles.path(dir).resolve(p.path("path").asText()))
                            .exists();
                }
            });
            k.path("configMapGenerator")
                    .forEach(g -> g.path("files")
                            .forEach(f -> assertThat(DeployFiles.path(dir).resolve(f.asText()))
                                    .exists()));
        }
    }
}
