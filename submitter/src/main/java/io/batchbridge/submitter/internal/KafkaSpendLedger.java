package io.batchbridge.submitter.internal;

import io.batchbridge.common.model.SpendEntry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The spend ledger on its compacted topic. Reads every partition without a consumer group, from the beginning
 * (the topic keeps three days, compacted), {@code read_uncommitted}: a worker's actual is written in its batch's
 * last fan-out transaction, and the guard must not wait behind an open transaction to see the reservations written
 * after it (an aborted actual is written again with the same figure, which is deterministic for a batch). Writes
 * with an idempotent {@code acks=all} producer. Both clients are used by the poll thread only.
 */
final class KafkaSpendLedger implements SpendLedger {
    private static final Logger log = LoggerFactory.getLogger(KafkaSpendLedger.class);

    private final Producer<byte[], byte[]> producer;
    private final Consumer<byte[], byte[]> consumer;
    private final String topic;
    private final Duration timeout;
    private List<TopicPartition> partitions;

    KafkaSpendLedger(
            Producer<byte[], byte[]> producer, Consumer<byte[], byte[]> consumer, String topic, Duration timeout) {
        this.producer = producer;
        this.consumer = consumer;
        this.topic = topic;
        this.timeout = timeout;
    }

    @Override
    public void catchUp(SpendTally tally) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            assign();
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
            while (!reached(end)) {
                if (System.nanoTime() > deadline) {
                    throw new Unavailable(
                            "the spend ledger " + topic + " was not read to its end within " + timeout, null);
                }
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(50))) {
                    apply(tally, r);
                }
            }
        } catch (KafkaException e) {
            throw new Unavailable("the spend ledger " + topic + " could not be read: " + e, e);
        }
    }

    private void assign() {
        if (partitions != null) {
            return;
        }
        List<PartitionInfo> infos = consumer.partitionsFor(topic, timeout);
        if (infos == null || infos.isEmpty()) {
            throw new Unavailable("the spend ledger topic " + topic + " does not exist", null);
        }
        List<TopicPartition> all = infos.stream()
                .map(i -> new TopicPartition(i.topic(), i.partition()))
                .toList();
        consumer.assign(all);
        consumer.seekToBeginning(all);
        partitions = all;
    }

    private boolean reached(Map<TopicPartition, Long> end) {
        for (TopicPartition tp : partitions) {
            Long e = end.get(tp);
            if (e != null && consumer.position(tp, timeout) < e) {
                return false;
            }
        }
        return true;
    }

    private static void apply(SpendTally tally, ConsumerRecord<byte[], byte[]> r) {
        if (r.key() == null) {
            return;
        }
        String key = new String(r.key(), StandardCharsets.UTF_8);
        try {
            tally.apply(key, r.value() == null ? null : SpendEntry.fromJson(r.value()));
        } catch (IllegalArgumentException e) {
            log.warn("skipping an unreadable spend ledger record {}@{}: {}", key, r.offset(), e.getMessage());
        }
    }

    @Override
    public void write(String key, SpendEntry entry) {
        try {
            producer.send(record(key, entry)).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Unavailable("interrupted while writing to the spend ledger " + topic, e);
        } catch (ExecutionException | java.util.concurrent.TimeoutException | KafkaException e) {
            throw new Unavailable("the spend ledger " + topic + " could not be written: " + e, e);
        }
    }

    @Override
    public void writeLater(String key, SpendEntry entry) {
        try {
            producer.send(record(key, entry), (md, e) -> {
                if (e != null) {
                    log.warn(
                            "spend ledger: {} was not written ({}); it keeps counting its earlier state",
                            key,
                            e.toString());
                }
            });
        } catch (KafkaException e) {
            log.warn("spend ledger: {} was not written ({}); it keeps counting its earlier state", key, e.toString());
        }
    }

    private ProducerRecord<byte[], byte[]> record(String key, SpendEntry entry) {
        return new ProducerRecord<>(topic, key.getBytes(StandardCharsets.UTF_8), entry.toJson());
    }

    @Override
    public void close() {
        try {
            producer.close(Duration.ofSeconds(5));
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }
}
