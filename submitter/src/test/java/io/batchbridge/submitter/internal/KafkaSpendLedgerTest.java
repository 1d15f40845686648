package io.batchbridge.submitter.internal;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.batchbridge.common.model.SpendEntry;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

class KafkaSpendLedgerTest {
    private static final String TOPIC = "bridge.spend";
    private static final LocalDate DAY = LocalDate.of(2026, 3, 1);
    private final TopicPartition p0 = new TopicPartition(TOPIC, 0);
    private final TopicPartition p1 = new TopicPartition(TOPIC, 1);

    @Test
    void readsEveryPartitionFromTheBeginningToItsEnd() {
        MockConsumer<byte[], byte[]> consumer = new MockConsumer<>("earliest");
        consumer.updatePartitions(
                TOPIC,
                List.of(new PartitionInfo(TOPIC, 0, null, null, null), new PartitionInfo(TOPIC, 1, null, null, null)));
        consumer.updateBeginningOffsets(Map.of(p0, 0L, p1, 0L));
        consumer.updateEndOffsets(Map.of(p0, 1L, p1, 2L));
        consumer.schedulePollTask(() -> {
            consumer.addRecord(record(0, 0, "reservation:a:1", SpendEntry.reserved(DAY, "t", "default", 100)));
            consumer.addRecord(record(1, 0, "reservation:b:1", SpendEntry.reserved(DAY, "t", "default", 40)));
            consumer.addRecord(record(
                    1,
                    1,
                    "reservation:b:1",
                    SpendEntry.reserved(DAY, "t", "default", 40).released()));
        });
        SpendTally tally = new SpendTally();
        ledger(consumer, new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer()))
                .catchUp(tally);
        assertThat(consumer.assignment()).containsExactlyInAnyOrder(p0, p1);
        assertThat(tally.total(DAY)).isEqualTo(new SpendTally.Figures(100, 0));
    }

    @Test
    void aMissingTopicOrAFailedWriteIsUnavailable() {
        MockConsumer<byte[], byte[]> consumer = new MockConsumer<>("earliest");
        MockProducer<byte[], byte[]> producer =
                new MockProducer<>(false, null, new ByteArraySerializer(), new ByteArraySerializer());
        KafkaSpendLedger ledger = ledger(consumer, producer);
        assertThatThrownBy(() -> ledger.catchUp(new SpendTally()))
                .isInstanceOf(SpendLedger.Unavailable.class)
                .hasMessageContaining("does not exist");

        // a write never acknowledged (no broker answers): the reservation does not count as made
        assertThatThrownBy(() -> ledger.write("reservation:a:2", SpendEntry.reserved(DAY, "t", "default", 1)))
                .isInstanceOf(SpendLedger.Unavailable.class);
        assertThat(producer.history()).hasSize(1); // sent, so it may still land and count: the safe side
    }

    private KafkaSpendLedger ledger(MockConsumer<byte[], byte[]> consumer, MockProducer<byte[], byte[]> producer) {
        return new KafkaSpendLedger(producer, consumer, TOPIC, Duration.ofMillis(300));
    }

    private static ConsumerRecord<byte[], byte[]> record(int partition, long offset, String key, SpendEntry e) {
        return new ConsumerRecord<>(TOPIC, partition, offset, key.getBytes(UTF_8), e.toJson());
    }
}
