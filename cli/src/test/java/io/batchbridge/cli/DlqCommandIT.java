package io.batchbridge.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.batchbridge.common.kafka.CommittedReader;
import io.batchbridge.common.records.BridgeHeaders;
import io.batchbridge.common.records.Coordinates;
import io.batchbridge.common.records.DeadLetter;
import io.batchbridge.common.records.DeadLetterReason;
import io.batchbridge.common.records.EnvelopeCodec;
import io.batchbridge.common.records.Problem;
import io.batchbridge.common.records.RequestEnvelope;
import io.batchbridge.kafka.embedded.KafkaCluster;
import io.batchbridge.kafka.embedded.KafkaClusterExtension;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@ExtendWith(KafkaClusterExtension.class)
@Timeout(90)
class DlqCommandIT {
    private String dlq;
    private String requests;
    private byte[] unknownModel;
    private byte[] tooLarge;

    @BeforeEach
    void deadLetters(KafkaCluster cluster) throws Exception {
        dlq = ProduceCommandIT.createTopic(cluster, "dlq");
        requests = ProduceCommandIT.createTopic(cluster, "dlq-requests");
        unknownModel = "{\"custom_id\":\"a-1\",\"params\":{\"model\":\"nope\"}}".getBytes(UTF_8);
        tooLarge = "{\"custom_id\":\"b-2\",\"params\":{}}".getBytes(UTF_8);
        TailCommandIT.publish(
                cluster,
                DeadLetter.to(dlq, new Problem(DeadLetterReason.UNKNOWN_MODEL, "model nope is not in the catalogue"))
                        .original(unknownModel)
                        .customId("a-1")
                        .failed(new Coordinates(requests, 0, 3))
                        .build());
        TailCommandIT.publish(
                cluster,
                DeadLetter.to(dlq, new Problem(DeadLetterReason.RECORD_TOO_LARGE, "the record is over the limit"))
                        .original(tooLarge)
                        .customId("b-2")
                        .failed(new Coordinates(requests, 0, 4))
                        .build());
        TailCommandIT.publish(
                cluster,
                DeadLetter.to(dlq, new Problem(DeadLetterReason.UNKNOWN_MODEL, "model nope is not in the catalogue"))
                        .original(unknownModel)
                        .customId("a-1")
                        .failed(new Coordinates(requests, 0, 9))
                        .build());
    }

    @Test
    void listShowsReasonSentenceCustomIdAndOriginalCoordinates(KafkaCluster cluster) {
        Cli.Result all = Cli.exec("dlq", "list", "--bootstrap-servers", cluster.bootstrapServers(), "--dlq", dlq);
        Cli.Result filtered = Cli.exec(
                "dlq",
                "list",
                "--bootstrap-servers",
                cluster.bootstrapServers(),
                "--dlq",
                dlq,
                "--reason",
                "record_too_large");

        assertThat(all.exitCode()).isZero();
        assertThat(all.out())
                .contains("0@0 reason=unknown_model custom_id=a-1 original=" + requests
                        + "-0@3 | model nope is not in the catalogue")
                .contains("0@1 reason=record_too_large custom_id=b-2 original=" + requests + "-0@4")
                .contains("3 dead letters");
        assertThat(filtered.out())
                .contains("0@1 reason=record_too_large")
                .doesNotContain("unknown_model")
                .contains("1 dead letters with reason record_too_large");
    }

    @Test
    void replayRepublishesOriginalBytesOfMatchingDeadLettersToTheOriginalTopic(KafkaCluster cluster) {
        Cli.Result r = Cli.exec(
                "dlq",
                "replay",
                "--bootstrap-servers",
                cluster.bootstrapServers(),
                "--dlq",
                dlq,
                "--set",
                "bridge.topics.requests=" + requests,
                "--reason",
                "unknown_model");

        assertThat(r.exitCode()).isZero();
        assertThat(r.out())
                .contains("replayed 2 dead letters with reason unknown_model")
                .doesNotContain("note:");
        List<ConsumerRecord<byte[], byte[]>> replayed = CommittedReader.readAll(cluster.bootstrapServers(), requests);
        assertThat(replayed).hasSize(2).allSatisfy(rec -> {
            assertThat(rec.value()).isEqualTo(unknownModel);
            assertThat(new String(rec.key(), UTF_8)).isEqualTo("a-1");
        });
    }

    @Test
    void replayWithToPublishesEverythingThereAndNotesRetryRecords(KafkaCluster cluster) throws Exception {
        String elsewhere = ProduceCommandIT.createTopic(cluster, "dlq-elsewhere");
        byte[] retryRecord = EnvelopeCodec.write(new RequestEnvelope(
                "c-3",
                ProduceCommandIT.PARAMS.getBytes(UTF_8),
                null,
                null,
                null,
                null,
                4,
                Instant.EPOCH,
                new Coordinates(requests, 0, 5),
                "overloaded_error: busy"));
        TailCommandIT.publish(
                cluster,
                DeadLetter.to(dlq, new Problem(DeadLetterReason.ATTEMPTS_EXHAUSTED, "attempt 4 exceeds the limit of 3"))
                        .original(retryRecord)
                        .customId("c-3")
                        .failed(new Coordinates("bridge.retry", 0, 1))
                        .origin(new Coordinates(requests, 0, 5))
                        .attempt(4)
                        .batchId("msgbatch_1")
                        .build());

        Cli.Result r = Cli.exec(
                "dlq",
                "replay",
                "--bootstrap-servers",
                cluster.bootstrapServers(),
                "--dlq",
                dlq,
                "--set",
                "bridge.topics.requests=" + requests + "," + elsewhere,
                "--to",
                elsewhere);

        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).contains("replayed 4 dead letters").contains("note: 1 of them are retry records");
        assertThat(CommittedReader.readAll(cluster.bootstrapServers(), elsewhere))
                .extracting(ConsumerRecord::value)
                .containsExactly(unknownModel, tooLarge, unknownModel, retryRecord);
        assertThat(CommittedReader.readAll(cluster.bootstrapServers(), requests))
                .isEmpty();
    }

    /**
     * Issue #17: a record forging {@code origin.topic = bridge.batches} was dead-lettered with that origin, and
     * {@code dlq replay} without {@code --to} published it to the batches topic, where a worker read it as a
     * ticket. Replay now publishes only to configured request topics and names the refused record.
     */
    @Test
    void replayRefusesAnOriginThatIsNotARequestTopic(KafkaCluster cluster) throws Exception {
        String batches = ProduceCommandIT.createTopic(cluster, "dlq-batches");
        byte[] forged = "{\"custom_id\":\"f-1\",\"params\":{},\"origin\":{\"topic\":\"x\"}}".getBytes(UTF_8);
        TailCommandIT.publish(
                cluster,
                DeadLetter.to(dlq, new Problem(DeadLetterReason.API_ERROR, "invalid_request_error"))
                        .original(forged)
                        .customId("f-1")
                        .failed(new Coordinates(requests, 0, 7))
                        .origin(new Coordinates(batches, 0, 0))
                        .build());

        Cli.Result r = Cli.exec(
                "dlq",
                "replay",
                "--bootstrap-servers",
                cluster.bootstrapServers(),
                "--dlq",
                dlq,
                "--set",
                "bridge.topics.requests=" + requests,
                "--set",
                "bridge.topics.batches=" + batches);

        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err())
                .contains("0@3")
                .contains(batches + " is the batches topic (bridge.topics.batches)")
                .contains("only to request topics");
        assertThat(r.out()).contains("replayed 3 dead letters").contains("refused 1");
        assertThat(CommittedReader.readAll(cluster.bootstrapServers(), batches)).isEmpty();
        assertThat(CommittedReader.readAll(cluster.bootstrapServers(), requests))
                .extracting(ConsumerRecord::value)
                .containsExactly(unknownModel, tooLarge, unknownModel);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "bridge.topics.batches",
                "bridge.topics.results",
                "bridge.topics.retry",
                "bridge.topics.checkpoints",
                "bridge.topics.intents",
                "bridge.topics.batch.events",
                "bridge.topics.dlq",
                "not-a-topic-key"
            })
    void replayToAProductTopicOrAnyOtherThatIsNotARequestTopicPublishesNothing(String key, KafkaCluster cluster)
            throws Exception {
        String target = ProduceCommandIT.createTopic(cluster, "dlq-target");

        Cli.Result r = Cli.exec(
                "dlq",
                "replay",
                "--bootstrap-servers",
                cluster.bootstrapServers(),
                "--dlq",
                dlq,
                "--set",
                "bridge.topics.requests=" + requests,
                "--set",
                key + "=" + target,
                "--to",
                target);

        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err())
                .contains("refusing --to " + target)
                .contains(key.startsWith("bridge.") ? "(" + key + ")" : "is not a request topic")
                .contains("only to request topics");
        assertThat(CommittedReader.readAll(cluster.bootstrapServers(), target)).isEmpty();
        assertThat(CommittedReader.readAll(cluster.bootstrapServers(), requests))
                .isEmpty();
    }

    /**
     * Issue #17: a custom_id with ESC sequences and newlines reached a dead letter's key and bridge-custom-id
     * header raw, and {@code dlq list} printed {@code ESC[2J} and a forged second line.
     */
    @Test
    void listPrintsOneLinePerDeadLetterWithControlCharactersEscaped(KafkaCluster cluster) throws Exception {
        String hostile = HostileTextTest.HOSTILE;
        ProducerRecord<byte[], byte[]> r =
                new ProducerRecord<>(dlq, ("k" + hostile).getBytes(UTF_8), ("v" + hostile).getBytes(UTF_8));
        BridgeHeaders.put(r.headers(), BridgeHeaders.ERROR_REASON, "invalid_custom_id");
        BridgeHeaders.put(r.headers(), BridgeHeaders.CUSTOM_ID, hostile);
        BridgeHeaders.put(r.headers(), BridgeHeaders.ERROR_MESSAGE, "custom_id " + hostile + " is not valid");
        BridgeHeaders.put(r.headers(), BridgeHeaders.ORIGINAL_TOPIC, requests);
        TailCommandIT.publish(cluster, r);

        Cli.Result list = Cli.exec("dlq", "list", "--bootstrap-servers", cluster.bootstrapServers(), "--dlq", dlq);
        Cli.Result tail = Cli.exec(
                "tail",
                "--bootstrap-servers",
                cluster.bootstrapServers(),
                "--topic",
                dlq,
                "--from-beginning",
                "--max",
                "4");

        assertThat(list.exitCode()).isZero();
        assertThat(list.out().split("\n", -1))
                .as("3 dead letters, the hostile one, the count, and the final newline")
                .hasSize(6)
                .allSatisfy(HostileTextTest::assertClean);
        assertThat(list.out())
                .contains("0@3 reason=invalid_custom_id custom_id=a\\u001b[2J")
                .contains("4 dead letters");
        assertThat(tail.exitCode()).isZero();
        assertThat(tail.out().split("\n", -1)).hasSize(5).allSatisfy(HostileTextTest::assertClean);
    }
}
