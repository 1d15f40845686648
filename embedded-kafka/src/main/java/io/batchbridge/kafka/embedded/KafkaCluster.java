package io.batchbridge.kafka.embedded;

/** A Kafka cluster a test or the demo can talk to: embedded, child process, container or external. */
public interface KafkaCluster extends AutoCloseable {

    /** The {@code bootstrap.servers} value for clients. */
    String bootstrapServers();

    @Override
    void close();
}
