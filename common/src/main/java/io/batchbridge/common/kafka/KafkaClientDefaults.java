package io.batchbridge.common.kafka;

import io.batchbridge.common.topics.TopicProvisioner;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Client settings every batch-bridge producer and consumer starts from, so a 300k-token result (over 1
 * MB of JSON) or a 1M-token request (about 4 MB) passes end to end (invariant 5). User settings are
 * applied on top and win.
 */
public final class KafkaClientDefaults {
    /**
     * The producer checks {@code max.request.size} against the uncompressed record, so it is set above
     * the topics' {@code max.message.bytes} (which the broker checks after compression).
     */
    public static final int MAX_REQUEST_BYTES = 2 * TopicProvisioner.LARGE_RECORD_BYTES;

    private KafkaClientDefaults() {}

    /** An idempotent byte-array producer with zstd and large-record limits. */
    public static Map<String, Object> producer(String bootstrapServers) {
        Map<String, Object> p = new HashMap<>();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "zstd");
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, MAX_REQUEST_BYTES);
        p.put(ProducerConfig.BUFFER_MEMORY_CONFIG, 4L * MAX_REQUEST_BYTES);
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        return p;
    }

    /** A transactional producer: {@link #producer} plus the transactional id. */
    public static Map<String, Object> transactionalProducer(String bootstrapServers, String transactionalId) {
        Map<String, Object> p = producer(bootstrapServers);
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        return p;
    }

    /** A {@code read_committed} byte-array consumer with manual commits and large-record fetch sizes. */
    public static Map<String, Object> consumer(String bootstrapServers, String groupId) {
        Map<String, Object> c = new HashMap<>();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        c.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, MAX_REQUEST_BYTES);
        c.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, 4 * MAX_REQUEST_BYTES);
        return c;
    }
}
