package io.batchbridge.worker.internal;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The committed fan-out checkpoints, read from the compacted checkpoint topic with a {@code read_committed}
 * consumer at every assignment. Tombstones remove entries, so the map holds only batches that are being fanned
 * out or whose tickets still wait for an in-order commit.
 *
 * <p>Reading stops at the high watermark taken when the load starts, not at the last stable offset: a
 * transaction still open below it (e.g. from a worker that just lost the partition) must be decided first,
 * or a checkpoint committed after it could be missed and the batch resumed from an older one.
 */
public final class CheckpointStore {
    private static final Logger log = LoggerFactory.getLogger(CheckpointStore.class);

    private final Supplier<Consumer<byte[], byte[]>> consumers;
    private final Supplier<Consumer<byte[], byte[]>> uncommittedConsumers;
    private final String topic;
    private final Duration maxWait;
    private volatile Map<String, Checkpoint> checkpoints = new ConcurrentHashMap<>();
    private volatile boolean complete = true;

    /**
     * @param consumers read_committed consumers without a group
     * @param uncommittedConsumers read_uncommitted consumers without a group (for the high watermark)
     */
    public CheckpointStore(
            Supplier<Consumer<byte[], byte[]>> consumers,
            Supplier<Consumer<byte[], byte[]>> uncommittedConsumers,
            String topic,
            Duration maxWait) {
        this.consumers = consumers;
        this.uncommittedConsumers = uncommittedConsumers;
        this.topic = topic;
        this.maxWait = maxWait;
    }

    /** Re-reads the whole topic; called on the poll thread when partitions are assigned. */
    public void reload() {
        Map<String, Checkpoint> loaded = new HashMap<>();
        boolean read = read(r -> apply(loaded, r));
        if (!read) {
            log.warn(
                    "checkpoint topic {} not read to its end within {}; an open transaction blocks it: batches starting"
                            + " now re-read their checkpoint before their fan-out",
                    topic,
                    maxWait);
        }
        checkpoints = new ConcurrentHashMap<>(loaded);
        complete = read;
        log.info("loaded {} fan-out checkpoints from {}", loaded.size(), topic);
    }

    /**
     * Reads the committed checkpoint of one batch from Kafka now (after a commit of unknown outcome, once the
     * producer was fenced): null when none was ever committed; a {@linkplain Checkpoint#done() done} one when its
     * last record is a tombstone (only a fanned-out batch's checkpoint is tombstoned).
     *
     * @throws org.apache.kafka.common.KafkaException when the topic could not be read to its end in time
     */
    public Checkpoint fetch(String batchId) {
        byte[] key = batchId.getBytes(StandardCharsets.UTF_8);
        Checkpoint[] last = {null};
        boolean complete = read(r -> {
            if (r.key() != null && java.util.Arrays.equals(r.key(), key)) {
                if (r.value() == null) {
                    last[0] = new Checkpoint(0, new java.util.BitSet(), true);
                } else {
                    try {
                        last[0] = Checkpoint.fromJson(r.value());
                    } catch (IllegalArgumentException e) {
                        log.warn(
                                "an unreadable checkpoint of batch_id={} at offset {} is ignored", batchId, r.offset());
                    }
                }
            }
        });
        if (!complete) {
            throw new org.apache.kafka.common.KafkaException(
                    "checkpoint topic " + topic + " not read to its end within " + maxWait);
        }
        return last[0];
    }

    /** Reads the topic from the beginning to the high watermark taken now; false when it took longer than allowed. */
    private boolean read(java.util.function.Consumer<ConsumerRecord<byte[], byte[]>> apply) {
        try (Consumer<byte[], byte[]> c = consumers.get()) {
            return io.batchbridge.common.kafka.CommittedReader.read(
                    c, topic, null, this::highWatermarks, maxWait, apply);
        }
    }

    private Map<TopicPartition, Long> highWatermarks(List<TopicPartition> tps) {
        try (Consumer<byte[], byte[]> c = uncommittedConsumers.get()) {
            return c.endOffsets(tps);
        }
    }

    private static void apply(Map<String, Checkpoint> map, ConsumerRecord<byte[], byte[]> r) {
        if (r.key() == null) {
            return;
        }
        String id = new String(r.key(), StandardCharsets.UTF_8);
        if (r.value() == null) {
            map.remove(id);
            return;
        }
        try {
            map.put(id, Checkpoint.fromJson(r.value()));
        } catch (IllegalArgumentException e) {
            log.warn(
                    "checkpoint of batch_id={} at {}-{}@{} is unreadable; ignored",
                    id,
                    r.topic(),
                    r.partition(),
                    r.offset());
        }
    }

    /**
     * False when the last {@link #reload} stopped before the topic's end (an open transaction blocked it): a
     * checkpoint committed behind that transaction may be missing from {@link #get}.
     */
    public boolean complete() {
        return complete;
    }

    /** The committed checkpoint of a batch, or null when it has none. */
    public Checkpoint get(String batchId) {
        return checkpoints.get(batchId);
    }

    public int size() {
        return checkpoints.size();
    }
}
