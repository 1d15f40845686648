package io.batchbridge.kafka.embedded;

/** An existing cluster named by {@code KAFKA_BOOTSTRAP_SERVERS}; nothing to start or stop. */
record ExternalKafka(String bootstrapServers) implements KafkaCluster {
    @Override
    public void close() {}
}
