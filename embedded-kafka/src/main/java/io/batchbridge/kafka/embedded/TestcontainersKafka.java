package io.batchbridge.kafka.embedded;

import org.testcontainers.DockerClientFactory;
import org.testcontainers.kafka.KafkaContainer;

/**
 * Apache Kafka's own image through Testcontainers, used only where a Docker engine answers. Loaded
 * reflectively-safe: nothing references this class unless Testcontainers is on the class path.
 */
final class TestcontainersKafka implements KafkaCluster {
    static final String IMAGE = "apache/kafka:4.3.1";

    private final KafkaContainer container;

    private TestcontainersKafka(KafkaContainer container) {
        this.container = container;
    }

    static boolean dockerAvailable() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }

    @SuppressWarnings("resource")
    static TestcontainersKafka start() {
        KafkaContainer c = new KafkaContainer(IMAGE)
                .withEnv("KAFKA_MESSAGE_MAX_BYTES", String.valueOf(16 * 1024 * 1024))
                .withEnv("KAFKA_AUTO_CREATE_TOPICS_ENABLE", "false");
        c.start();
        return new TestcontainersKafka(c);
    }

    @Override
    public String bootstrapServers() {
        return container.getBootstrapServers();
    }

    @Override
    public void close() {
        container.stop();
    }
}
