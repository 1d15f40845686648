package io.batchbridge.common.kafka;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.batchbridge.kafka.embedded.KafkaCluster;
import io.batchbridge.kafka.embedded.KafkaClusterExtension;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(KafkaClusterExtension.class)
@Timeout(120)
class CommittedReaderIT {

    private static List<String> values(List<ConsumerRecord<byte[], byte[]>> records) {
        return records.stream().map(r -> new String(r.value(), UTF_8)).sorted().toList();
    }

    @Test
    void readsWhatAReadCommittedConsumerSeesAndStreamsTheSameWithoutKeepingIt(KafkaCluster cluster) throws Exception {
        String bootstrap = cluster.bootstrapServers();
        String topic = KafkaClusterExtension.uniqueTopic("committed");
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            admin.createTopics(List.of(new NewTopic(topic, 2, (short) 1))).all().get();
        }
        String txId = "reader-it-" + topic;
        try (KafkaProducer<byte[], byte[]> committed =
                        new KafkaProducer<>(KafkaClientDefaults.transactionalProducer(bootstrap, txId + "-a"));
                KafkaProducer<byte[], byte[]> open =
                        new KafkaProducer<>(KafkaClientDefaults.transactionalProducer(bootstrap, txId + "-b"))) {
            committed.initTransactions();
            open.initTransactions();
            committed.beginTransaction();
            for (int i = 0; i < 3; i++) {
                committed.send(new ProducerRecord<>(topic, i % 2, null, ("c" + i).getBytes(UTF_8)));
            }
            committed.commitTransaction();
            committed.beginTransaction();
            committed.send(new ProducerRecord<>(topic, 0, null, "aborted".getBytes(UTF_8)));
            committed.flush();
            committed.abortTransaction();
            open.beginTransaction(); // still open while reading: beyond the last stable offset
            open.send(new ProducerRecord<>(topic, 1, null, "open".getBytes(UTF_8)));
            open.flush();

            List<ConsumerRecord<byte[], byte[]>> all = CommittedReader.readAll(bootstrap, topic);
            List<ConsumerRecord<byte[], byte[]>> streamed = new ArrayList<>();
            long count = CommittedReader.forEach(bootstrap, topic, streamed::add);

            assertThat(values(all)).containsExactly("c0", "c1", "c2");
            assertThat(values(streamed)).containsExactly("c0", "c1", "c2");
            assertThat(count).isEqualTo(3);
            open.abortTransaction();
        }
    }
}
