package io.batchbridge.common.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;

/**
 * Reads a whole topic as a {@code read_committed} consumer sees it right now: every partition from its
 * beginning up to its last stable offset. No consumer group, so it is fast and leaves no trace. Used by
 * the demo's and the chaos suite's delivery checks and by tests.
 */
public final class CommittedReader {
    private CommittedReader() {}

    public static List<ConsumerRecord<byte[], byte[]>> readAll(
            String bootstrapServers, String topic, Map<String, Object> clientSettings, Duration timeout) {
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        forEach(bootstrapServers, topic, clientSettings, timeout, out::add);
        return out;
    }

    /**
     * Hands every record to {@code action} as it is read and keeps none: memory stays at the consumer's fetch
     * buffers however large the topic (a results topic with 300k-token outputs holds 1.2 MB records).
     *
     * @return how many records were read
     */
    public static long forEach(
            String bootstrapServers,
            String topic,
            Map<String, Object> clientSettings,
            Duration timeout,
            java.util.function.Consumer<ConsumerRecord<byte[], byte[]>> action) {
        Map<String, Object> props = KafkaClientDefaults.consumer(bootstrapServers, "unused-" + UUID.randomUUID());
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        props.putAll(clientSettings);
        long n = 0;
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(props)) {
            List<PartitionInfo> infos = c.partitionsFor(topic, timeout);
            List<TopicPartition> partitions = infos.stream()
                    .map(p -> new TopicPartition(topic, p.partition()))
                    .collect(Collectors.toList());
            c.assign(partitions);
            c.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = c.endOffsets(partitions, timeout); // the LSO under read_committed
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!reached(c, end) && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(100))) {
                    if (r.offset() < end.get(new TopicPartition(r.topic(), r.partition()))) {
                        action.accept(r);
                        n++;
                    }
                }
            }
            if (!reached(c, end)) {
                throw new IllegalStateException("could not read " + topic + " to its end within " + timeout);
            }
        }
        return n;
    }

    /** {@link #forEach(String, String, Map, Duration, java.util.function.Consumer)} with defaults (30 s). */
    public static long forEach(
            String bootstrapServers, String topic, java.util.function.Consumer<ConsumerRecord<byte[], byte[]>> action) {
        return forEach(bootstrapServers, topic, Map.of(), Duration.ofSeconds(30), action);
    }

    public static List<ConsumerRecord<byte[], byte[]>> readAll(String bootstrapServers, String topic) {
        return readAll(bootstrapServers, topic, Map.of(), Duration.ofSeconds(30));
    }

    private static boolean reached(KafkaConsumer<byte[], byte[]> c, Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            if (c.position(e.getKey()) < e.getValue()) {
                return false;
            }
        }
        return true;
    }
}
