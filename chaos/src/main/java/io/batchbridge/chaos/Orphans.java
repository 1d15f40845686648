package io.batchbridge.chaos;

import io.batchbridge.common.topics.TopicNames;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/** The chaos verdict's {@code orphans=}: batches the API holds that no ticket names and nobody cancelled. */
final class Orphans {
    private Orphans() {}

    /**
     * How long the verdict waits for the submitters to resolve what they left open: a pass over unknown create
     * outcomes runs every minute and confirms its candidates for 15 s; a held batch waits linger + 30 s.
     */
    static final Duration SETTLE = Duration.ofMinutes(3);

    /**
     * Batches at the API that no ticket names and nobody cancelled: created, billed and never delivered (a crash
     * between a create and its ticket, or a create whose outcome was unknown and was created again).
     *
     * @param running those still running: the verdict's {@code orphans=}, which ChaosIT expects to be 0
     * @param ended those that ran to their end before anyone resolved them (billed in full; with the emulator at
     *     3600 times real time a batch ends within seconds, before a pass can cancel it): {@code orphans_ended=}
     */
    record Count(int running, int ended) {}

    /** The orphans left once the submitters had {@link #SETTLE} to resolve theirs (at once when none runs). */
    static Count awaitNone(String apiUrl, String bootstrap, TopicNames topics) throws InterruptedException {
        long deadline = System.nanoTime() + SETTLE.toNanos();
        Count n = count(apiUrl, bootstrap, topics);
        while (n.running() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(5_000);
            n = count(apiUrl, bootstrap, topics);
        }
        return n;
    }

    static Count count(String apiUrl, String bootstrap, TopicNames topics) {
        java.util.Set<String> ticketed = new java.util.HashSet<>();
        Map<String, Object> c = io.batchbridge.common.kafka.KafkaClientDefaults.consumer(bootstrap, "unused");
        c.remove(ConsumerConfig.GROUP_ID_CONFIG);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(c)) {
            List<TopicPartition> tps = consumer.partitionsFor(topics.batches()).stream()
                    .map(p -> new TopicPartition(topics.batches(), p.partition()))
                    .toList();
            consumer.assign(tps);
            consumer.seekToBeginning(tps);
            Map<TopicPartition, Long> end = consumer.endOffsets(tps);
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
        List<io.batchbridge.client.MessageBatch> orphans = client.listAll().stream()
                .filter(b -> !ticketed.contains(b.id()) && b.cancelInitiatedAt() == null)
                .toList();
        int running = (int) orphans.stream()
                .filter(b -> !io.batchbridge.client.MessageBatch.ENDED.equals(b.processingStatus()))
                .count();
        return new Count(running, orphans.size() - running);
    }
}
