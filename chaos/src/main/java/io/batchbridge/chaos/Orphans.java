package io.batchbridge.chaos;

import io.batchbridge.common.topics.TopicNames;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** The chaos verdict's {@code orphans=}: batches the API holds that no ticket names and nobody cancelled. */
final class Orphans {
    private Orphans() {}

    /**
     * Batches at the API that no ticket names and nobody cancelled: created, billed and never delivered (a crash
     * between a create and its ticket, or a create whose outcome was unknown and was retried). Reported in the
     * verdict; with the emulator's clock at 3600 times real time, create intents cannot be matched to the
     * batches' {@code created_at} here, so they are neither adopted nor cancelled (CrashWindowIT proves that at
     * real time).
     */
    static int count(String apiUrl, String bootstrap, TopicNames topics) {
        java.util.Set<String> ticketed = new java.util.HashSet<>();
        Map<String, Object> c = io.batchbridge.common.kafka.KafkaClientDefaults.consumer(bootstrap, "unused");
        c.remove(org.apache.kafka.clients.consumer.ConsumerConfig.GROUP_ID_CONFIG);
        try (org.apache.kafka.clients.consumer.KafkaConsumer<byte[], byte[]> consumer =
                new org.apache.kafka.clients.consumer.KafkaConsumer<>(c)) {
            List<org.apache.kafka.common.TopicPartition> tps = consumer.partitionsFor(topics.batches()).stream()
                    .map(p -> new org.apache.kafka.common.TopicPartition(topics.batches(), p.partition()))
                    .toList();
            consumer.assign(tps);
            consumer.seekToBeginning(tps);
            Map<org.apache.kafka.common.TopicPartition, Long> end = consumer.endOffsets(tps);
            long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            while (tps.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp)) && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> {
                    if (r.key() != null) {
                        ticketed.add(new String(r.key(), java.nio.charset.StandardCharsets.UTF_8));
                    }
                });
            }
        }
        io.batchbridge.client.BatchesClient client = new io.batchbridge.client.BatchesClient(
                new io.batchbridge.client.ApiAccount(
                        "default",
                        URI.create(apiUrl),
                        io.batchbridge.client.Secret.of("chaos-key"),
                        java.util.Optional.empty(),
                        100_000),
                io.batchbridge.client.ClientSettings.from(Map.of()),
                new io.micrometer.core.instrument.simple.SimpleMeterRegistry(),
                java.time.Clock.systemUTC());
        return (int) client.listAll().stream()
                .filter(b -> !ticketed.contains(b.id()) && b.cancelInitiatedAt() == null)
                .count();
    }
}
