package io.batchbridge.kafka.embedded;

import static io.batchbridge.kafka.embedded.EmbeddedKafkaIT.consumeValues;
import static io.batchbridge.kafka.embedded.EmbeddedKafkaIT.producer;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(180)
class ChildProcessKafkaIT {

    @Test
    void killedBrokerRestartsOnTheSameAddressWithItsDataIntact() throws Exception {
        try (ChildProcessKafka kafka = ChildProcessKafka.create(Map.of())) {
            kafka.start();
            long firstPid = kafka.pid();
            String topic = "survives-sigkill";
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
                admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1)))
                        .all()
                        .get();
            }
            try (KafkaProducer<String, String> producer = producer(kafka.bootstrapServers())) {
                producer.send(new ProducerRecord<>(topic, "k", "acked-before-kill"))
                        .get();
            }

            kafka.kill();
            assertThat(kafka.isRunning()).isFalse();
            kafka.start();

            assertThat(kafka.pid()).isNotEqualTo(firstPid);
            assertThat(consumeValues(kafka.bootstrapServers(), topic, 1)).containsExactly("acked-before-kill");
        }
    }
}
