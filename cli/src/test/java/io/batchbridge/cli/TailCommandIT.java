package io.batchbridge.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.batchbridge.common.kafka.KafkaClientDefaults;
import io.batchbridge.common.model.TokenUsage;
import io.batchbridge.common.records.BridgeHeaders;
import io.batchbridge.common.records.Coordinates;
import io.batchbridge.common.records.DeadLetter;
import io.batchbridge.common.records.DeadLetterReason;
import io.batchbridge.common.records.Problem;
import io.batchbridge.common.records.ResultRecord;
import io.batchbridge.kafka.embedded.KafkaCluster;
import io.batchbridge.kafka.embedded.KafkaClusterExtension;
import java.time.Instant;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(KafkaClusterExtension.class)
@Timeout(90)
class TailCommandIT {
    static final String SECRET_COMPLETION = "the-whole-completion-".repeat(50);

    @Test
    void textFormatShowsHeadersThatMatterButNotTheContent(KafkaCluster cluster) throws Exception {
        String topic = ProduceCommandIT.createTopic(cluster, "tail");
        byte[] result = result("order-1", "max_tokens");
        publish(cluster, topic, result("order-0", "end_turn"), "end_turn");
        publish(cluster, topic, result, "max_tokens");
        publish(cluster, deadLetter(topic));

        Cli.Result r = Cli.exec(
                "tail",
                "--bootstrap-servers",
                cluster.bootstrapServers(),
                "--topic",
                topic,
                "--from-beginning",
                "--max",
                "3");

        assertThat(r.exitCode()).isZero();
        String[] lines = r.out().split("\n");
        assertThat(lines).hasSize(3);
        assertThat(lines[0]).startsWith(topic + "-0@0 key=order-0").contains("stop_reason=end_turn", "truncated=false");
        assertThat(lines[1])
                .startsWith(topic + "-0@1 key=order-1 type=succeeded stop_reason=max_tokens truncated=true")
                .contains("cost_usd=0.0123", "model=claude-sonnet-4-6", "| " + result.length + " B {\"custom_id\"");
        assertThat(lines[2]).contains("key=order-2 reason=unknown_model attempt=1");
        assertThat(r.out()).doesNotContain("the-whole-completion-the-whole-completion-the-whole");
    }

    @Test
    void jsonFormatPrintsEachValueAsIs(KafkaCluster cluster) throws Exception {
        String topic = ProduceCommandIT.createTopic(cluster, "tail-json");
        byte[] result = result("order-1", "end_turn");
        publish(cluster, topic, result, "end_turn");

        Cli.Result r = Cli.exec(
                "tail",
                "--bootstrap-servers",
                cluster.bootstrapServers(),
                "--topic",
                topic,
                "--from-beginning",
                "--max",
                "1",
                "--format",
                "json");

        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).isEqualTo(new String(result, UTF_8) + System.lineSeparator());
    }

    @Test
    void withoutFromBeginningOnlyRecordsPublishedAfterTheStartAreShown(KafkaCluster cluster) throws Exception {
        String topic = ProduceCommandIT.createTopic(cluster, "tail-follow");
        publish(cluster, topic, result("old-1", "end_turn"), "end_turn");
        Cli cli = new Cli();

        java.util.concurrent.CompletableFuture<Integer> rc =
                cli.start("tail", "--bootstrap-servers", cluster.bootstrapServers(), "--topic", topic, "--max", "1");
        org.awaitility.Awaitility.await()
                .atMost(java.time.Duration.ofSeconds(30))
                .until(() -> cli.err().contains("tailing " + topic + " from the end"));
        publish(cluster, topic, result("new-1", "end_turn"), "end_turn");

        assertThat(rc.get()).isZero();
        assertThat(cli.out()).contains("key=new-1").doesNotContain("old-1");
    }

    @Test
    void missingTopicIsAnError(KafkaCluster cluster) {
        Cli.Result r = Cli.exec(
                "tail",
                "--bootstrap-servers",
                cluster.bootstrapServers(),
                "--topic",
                "no-such-topic-" + System.nanoTime(),
                "--set",
                "kafka.consumer.allow.auto.create.topics=false",
                "--max",
                "1");

        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).contains("does not exist");
    }

    static byte[] result(String customId, String stopReason) {
        ResultRecord rec = new ResultRecord(
                customId,
                "msgbatch_1",
                "claude-sonnet-4-6",
                stopReason,
                new TokenUsage(10, 20, 0, 0, 0),
                0.0123,
                1,
                null,
                Instant.EPOCH,
                Instant.EPOCH,
                Instant.EPOCH);
        String message = "{\"id\":\"msg_1\",\"content\":[{\"type\":\"text\",\"text\":\"" + SECRET_COMPLETION + "\"}]}";
        return rec.toJson(message.getBytes(UTF_8));
    }

    static ProducerRecord<byte[], byte[]> deadLetter(String topic) {
        String request = "{\"custom_id\":\"order-2\",\"params\":{\"model\":\"nope\",\"messages\":[{\"role\":\"user\","
                + "\"content\":\"" + SECRET_COMPLETION + "\"}]}}";
        return DeadLetter.to(topic, new Problem(DeadLetterReason.UNKNOWN_MODEL, "model nope is not in the catalogue"))
                .original(request.getBytes(UTF_8))
                .customId("order-2")
                .failed(new Coordinates("bridge.requests", 0, 7))
                .build();
    }

    static void publish(KafkaCluster cluster, String topic, byte[] value, String stopReason) throws Exception {
        String customId = io.batchbridge.cli.RecordText.topLevelScalars(value).get("custom_id");
        ProducerRecord<byte[], byte[]> r = new ProducerRecord<>(topic, customId.getBytes(UTF_8), value);
        BridgeHeaders.put(r.headers(), BridgeHeaders.RESULT_TYPE, "succeeded");
        BridgeHeaders.put(r.headers(), BridgeHeaders.STOP_REASON, stopReason);
        BridgeHeaders.put(r.headers(), BridgeHeaders.TRUNCATED, String.valueOf("max_tokens".equals(stopReason)));
        publish(cluster, r);
    }

    static void publish(KafkaCluster cluster, ProducerRecord<byte[], byte[]> r) throws Exception {
        try (KafkaProducer<byte[], byte[]> p =
                new KafkaProducer<>(KafkaClientDefaults.producer(cluster.bootstrapServers()))) {
            p.send(r).get();
        }
    }
}
