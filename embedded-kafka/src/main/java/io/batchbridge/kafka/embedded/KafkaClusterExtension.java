package io.batchbridge.kafka.embedded;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.UUID;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * JUnit 5 extension that hands tests a {@link KafkaCluster}: one per test JVM, shared by every test class,
 * closed when the JVM's test run ends. The cluster is chosen in this order:
 *
 * <ol>
 *   <li>{@code KAFKA_BOOTSTRAP_SERVERS} (environment) or {@code kafka.bootstrap.servers} (system
 *       property): an existing cluster;
 *   <li>Testcontainers' Kafka module at the project's Kafka version, when a Docker engine answers;
 *   <li>otherwise an {@link EmbeddedKafka} broker in this JVM.
 * </ol>
 *
 * Tests isolate themselves with {@link #uniqueTopic(String)} rather than by restarting the broker.
 */
public final class KafkaClusterExtension implements ParameterResolver {
    private static final Logger log = LoggerFactory.getLogger(KafkaClusterExtension.class);
    private static final ExtensionContext.Namespace NAMESPACE =
            ExtensionContext.Namespace.create(KafkaClusterExtension.class);

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return parameterContext.getParameter().getType() == KafkaCluster.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return cluster(extensionContext);
    }

    /** The JVM-wide cluster, started on first use. */
    public static KafkaCluster cluster(ExtensionContext context) {
        return context.getRoot()
                .getStore(NAMESPACE)
                .getOrComputeIfAbsent("cluster", key -> startCluster(), KafkaCluster.class);
    }

    /** A topic name no other test uses: {@code prefix-<random>}. */
    public static String uniqueTopic(String prefix) {
        return prefix.toLowerCase(Locale.ROOT) + "-"
                + UUID.randomUUID().toString().substring(0, 8);
    }

    private static KafkaCluster startCluster() {
        String external = System.getenv("KAFKA_BOOTSTRAP_SERVERS");
        if (external == null || external.isBlank()) {
            external = System.getProperty("kafka.bootstrap.servers");
        }
        if (external != null && !external.isBlank()) {
            log.info("tests use the existing Kafka cluster at {}", external);
            return new ExternalKafka(external);
        }
        if (dockerLikely() && testcontainersPresent() && TestcontainersKafka.dockerAvailable()) {
            log.info("tests use Kafka in a container ({})", TestcontainersKafka.IMAGE);
            return TestcontainersKafka.start();
        }
        return EmbeddedKafka.startDefault();
    }

    /** Asking Testcontainers to probe for Docker takes seconds where there is none; look for a sign first. */
    private static boolean dockerLikely() {
        String host = System.getenv("DOCKER_HOST");
        return (host != null && !host.isBlank()) || Files.exists(Path.of("/var/run/docker.sock"));
    }

    private static boolean testcontainersPresent() {
        try {
            Class.forName(
                    "org.testcontainers.kafka.KafkaContainer", false, KafkaClusterExtension.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }
}
