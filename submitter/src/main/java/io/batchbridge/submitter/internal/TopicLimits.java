package io.batchbridge.submitter.internal;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;

/**
 * The largest record (as {@link io.batchbridge.common.records.RecordSize} counts it) the submitter may write to
 * each of its destination topics: the smaller of the producer's {@code max.request.size} (checked before
 * compression) and the topic's {@code max.message.bytes}, read from the broker when the clients start, so a
 * derived record (ticket part, dead letter, event) is sized before it is produced, never refused inside a
 * transaction.
 */
public final class TopicLimits {
    /** Below this a dead letter's bounded headers might not fit: a configuration error. */
    public static final int MIN_LIMIT = 16 * 1024;

    private final Map<String, Integer> limits;
    private final int producerLimit;

    public TopicLimits(Map<String, Integer> limits, int producerLimit) {
        this.limits = Map.copyOf(limits);
        this.producerLimit = producerLimit;
    }

    /** The limit for records to {@code topic}. */
    public int of(String topic) {
        return Math.min(producerLimit, limits.getOrDefault(topic, producerLimit));
    }

    /**
     * Reads {@code max.message.bytes} of each topic. A limit too small for a dead letter's headers is a
     * configuration error (stop loudly); an unreachable broker or a missing topic is a Kafka error (the
     * caller rewinds and tries again).
     */
    public static TopicLimits read(Admin admin, Collection<String> topics, Map<String, Object> producerConfig) {
        int producerLimit = producerLimit(producerConfig);
        Map<ConfigResource, Config> configs;
        try {
            configs = admin.describeConfigs(topics.stream()
                            .map(t -> new ConfigResource(ConfigResource.Type.TOPIC, t))
                            .toList())
                    .all()
                    .get(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new org.apache.kafka.common.errors.InterruptException(e);
        } catch (ExecutionException | TimeoutException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new KafkaException("cannot read max.message.bytes of " + topics + ": " + cause, cause);
        }
        Map<String, Integer> limits = new HashMap<>();
        configs.forEach((resource, config) -> {
            ConfigEntry entry = config.get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG);
            if (entry != null && entry.value() != null) {
                limits.put(resource.name(), Integer.parseInt(entry.value()));
            }
        });
        TopicLimits read = new TopicLimits(limits, producerLimit);
        for (String t : topics) {
            if (read.of(t) < MIN_LIMIT) {
                throw new ConfigException("records to " + t + " are limited to " + read.of(t)
                        + " bytes (max.request.size " + producerLimit + ", max.message.bytes " + limits.get(t)
                        + "); the submitter needs at least " + MIN_LIMIT);
            }
        }
        return read;
    }

    static int producerLimit(Map<String, Object> producerConfig) {
        Object v = producerConfig.get(ProducerConfig.MAX_REQUEST_SIZE_CONFIG);
        return v == null ? 1024 * 1024 : Integer.parseInt(v.toString().trim());
    }

    @Override
    public String toString() {
        return "TopicLimits" + limits + " max.request.size=" + producerLimit;
    }
}
