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
 * the demo's and the chaos suite's delivery checks and by tests; {@link #read} is the core every "read a topic to
 * its end" of the roles uses (the worker's checkpoints, the submitter's create intents).
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
        long[] n = {0};
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(props)) {
            boolean reached = read(c, topic, null, tps -> c.endOffsets(tps, timeout), timeout, r -> {
                action.accept(r);
                n[0]++;
            });
            if (!reached) {
                throw new IllegalStateException("could not read " + topic + " to its end within " + timeout);
            }
        }
        return n[0];
    }

    /**
     * The one way this project reads a topic to its end: assigns every partition of {@code topic} to {@code c}
     * (a consumer without a group; its isolation level decides what it sees), positions each at the first record
     * at or after {@code from} (null: the beginning), and hands {@code action} every record below the offset
     * {@code end} gives for its partition — the last stable offset ({@code c::endOffsets} under read_committed), or
     * the high watermark taken by another consumer to wait for open transactions to be decided.
     *
     * @return false when the end was not reached within {@code timeout}
     */
    public static boolean read(
            org.apache.kafka.clients.consumer.Consumer<byte[], byte[]> c,
            String topic,
            java.time.Instant from,
            java.util.function.Function<List<TopicPartition>, Map<TopicPartition, Long>> end,
            Duration timeout,
            java.util.function.Consumer<ConsumerRecord<byte[], byte[]>> action) {
        List<PartitionInfo> infos = c.partitionsFor(topic, timeout);
        List<TopicPartition> partitions = infos.stream()
                .map(p -> new TopicPartition(topic, p.partition()))
                .collect(Collectors.toList());
        c.assign(partitions);
        Map<TopicPartition, Long> ends = end.apply(partitions);
        if (from == null) {
            c.seekToBeginning(partitions);
        } else {
            Map<TopicPartition, Long> query = new java.util.HashMap<>();
            partitions.forEach(tp -> query.put(tp, from.toEpochMilli()));
            Map<TopicPartition, org.apache.kafka.clients.consumer.OffsetAndTimestamp> at =
                    c.offsetsForTimes(query, timeout);
            for (TopicPartition tp : partitions) {
                org.apache.kafka.clients.consumer.OffsetAndTimestamp o = at.get(tp);
                c.seek(tp, o == null ? ends.get(tp) : o.offset());
            }
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!reached(c, ends)) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(100))) {
                if (r.offset() < ends.get(new TopicPartition(r.topic(), r.partition()))) {
                    action.accept(r);
                }
            }
        }
        return true;
    }

    /** {@link #forEach(String, String, Map, Duration, java.util.function.Consumer)} with defaults (30 s). */
    public static long forEach(
            String bootstrapServers, String topic, java.util.function.Consumer<ConsumerRecord<byte[], byte[]>> action) {
        return forEach(bootstrapServers, topic, Map.of(), Duration.ofSeconds(30), action);
    }

    public static List<ConsumerRecord<byte[], byte[]>> readAll(String bootstrapServers, String topic) {
        return readAll(bootstrapServers, topic, Map.of(), Duration.ofSeconds(30));
    }

    private static boolean reached(
            org.apache.kafka.clients.consumer.Consumer<byte[], byte[]> c, Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            if (c.position(e.getKey()) < e.getValue()) {
                return false;
            }
        }
        return true;
    }
}
