package io.batchbridge.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.batchbridge.common.kafka.CommittedReader;
import io.batchbridge.kafka.embedded.KafkaCluster;
import io.batchbridge.kafka.embedded.KafkaClusterExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(KafkaClusterExtension.class)
@Timeout(90)
class ProduceCommandIT {
    static final String PARAMS =
            "{\"model\":\"claude-sonnet-4-6\",\"max_tokens\":100,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    @Test
    void publishesValidLinesKeyedByCustomIdAndListsRejectedLines(KafkaCluster cluster, @TempDir Path dir)
            throws Exception {
        String topic = createTopic(cluster, "produce");
        String first = "{\"custom_id\":\"req-1\",\"params\":" + PARAMS + "}";
        String second = "{\"custom_id\": \"req-2\", \"params\": " + PARAMS + ", \"metadata\": {\"k\": 1}}";
        Path file = dir.resolve("requests.jsonl");
        Files.writeString(
                file,
                String.join(
                                "\n",
                                first,
                                "{not json",
                                "",
                                "{\"custom_id\":\"bad id!\",\"params\":" + PARAMS + "}",
                                second,
                                "{\"custom_id\":\"no-params\"}")
                        + "\n",
                UTF_8);

        Cli.Result r = Cli.exec(
                "produce", "--bootstrap-servers", cluster.bootstrapServers(), "--topic", topic, file.toString());

        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.out()).contains("published 2 requests to " + topic + "; rejected 3 of 6 lines");
        assertThat(r.err())
                .contains("line 2: rejected, malformed_json")
                .contains("line 4: rejected, invalid_custom_id")
                .contains("line 6: rejected, missing_field")
                .doesNotContain("line 3:", "line 1:", "line 5:")
                .contains("100%");
        List<ConsumerRecord<byte[], byte[]>> records = CommittedReader.readAll(cluster.bootstrapServers(), topic);
        assertThat(records).extracting(rec -> new String(rec.key(), UTF_8)).containsExactly("req-1", "req-2");
        assertThat(records).extracting(rec -> new String(rec.value(), UTF_8)).containsExactly(first, second);
    }

    @Test
    void fileWithOnlyValidLinesExitsZero(KafkaCluster cluster, @TempDir Path dir) throws Exception {
        String topic = createTopic(cluster, "produce-ok");
        Path file = dir.resolve("ok.jsonl");
        Files.writeString(file, "{\"custom_id\":\"a\",\"params\":" + PARAMS + "}\n", UTF_8);

        Cli.Result r = Cli.exec(
                "produce",
                "--bootstrap-servers",
                cluster.bootstrapServers(),
                "--topic",
                topic,
                "--no-progress",
                file.toString());

        assertThat(r.exitCode()).isZero();
        assertThat(r.err()).isEmpty();
        assertThat(CommittedReader.readAll(cluster.bootstrapServers(), topic)).hasSize(1);
    }

    @Test
    void invalidUtf8IsRejectedNotRepairedAndCrlfLinesArePublishedWithoutTheirTerminator(
            KafkaCluster cluster, @TempDir Path dir) throws Exception {
        String topic = createTopic(cluster, "produce-bytes");
        byte[] good = ("{\"custom_id\":\"ok-1\",\"params\":" + PARAMS + "}").getBytes(UTF_8);
        byte[] bad = ("{\"custom_id\":\"bad-1\",\"params\":" + PARAMS.replace("hi", "h\u00ffi") + "}")
                .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        java.io.ByteArrayOutputStream file = new java.io.ByteArrayOutputStream();
        file.write(good);
        file.write(new byte[] {'\r', '\n'});
        file.write(bad);
        file.write('\n');
        Path path = dir.resolve("bytes.jsonl");
        Files.write(path, file.toByteArray());

        Cli.Result r = Cli.exec(
                "produce",
                "--bootstrap-servers",
                cluster.bootstrapServers(),
                "--topic",
                topic,
                "--no-progress",
                path.toString());

        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).contains("line 2: rejected, malformed_json").contains("UTF-8");
        assertThat(CommittedReader.readAll(cluster.bootstrapServers(), topic))
                .singleElement()
                .satisfies(rec -> assertThat(rec.value()).isEqualTo(good));
    }

    @Test
    void missingFileIsAUsageErrorNotAStackTrace(@TempDir Path dir) {
        Cli.Result r =
                Cli.exec("produce", "--topic", "t", dir.resolve("absent.jsonl").toString());

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("absent.jsonl is not a readable file").doesNotContain("Exception");
    }

    static String createTopic(KafkaCluster cluster, String prefix) throws Exception {
        String topic = KafkaClusterExtension.uniqueTopic(prefix);
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", cluster.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
        }
        return topic;
    }
}
