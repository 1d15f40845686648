package io.batchbridge.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.batchbridge.common.records.BridgeHeaders;
import io.batchbridge.emulator.Emulator;
import io.batchbridge.kafka.embedded.EmbeddedKafka;
import io.batchbridge.kafka.embedded.KafkaCluster;
import io.batchbridge.kafka.embedded.KafkaClusterExtension;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A result whose destination cannot take it never stalls its batch: that one request gets a dead letter, the
 * others are delivered exactly once and the ticket is committed. Before #17 every fan-out attempt of such a batch
 * failed ("0 of 5 items, resuming from checkpoint") forever, and on a broker with {@code auto.create.topics.enable}
 * the producer's metadata request created the missing topic. ACLs are tried on a broker with an authorizer: a
 * topic the worker may describe but not write fails inside the transaction (abort, redo without that result).
 */
@ExtendWith(KafkaClusterExtension.class)
class UnusableDestinationIT {
    private static final List<String> GOOD = List.of("ok-0", "ok-1", "ok-2", "ok-3");

    private static Admin admin(KafkaCluster cluster) {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers()));
    }

    private static List<Pipeline.Published> good(Pipeline p) throws Exception {
        List<Pipeline.Published> reqs = new ArrayList<>();
        for (String id : GOOD) {
            reqs.add(p.publish(id, 1000, "#emulate output_tokens=10 outcome=succeeded"));
        }
        return reqs;
    }

    private static List<String> keys(List<ConsumerRecord<byte[], byte[]>> records) {
        return records.stream()
                .map(r -> new String(r.key(), StandardCharsets.UTF_8))
                .toList();
    }

    /** Waits for the batch's dead letters, then checks the good results arrived exactly once and the ticket committed. */
    private static List<ConsumerRecord<byte[], byte[]>> awaitOutcome(Pipeline p, int deadLetters) {
        await().atMost(Duration.ofSeconds(60))
                .until(() -> p.readAll(p.topics.dlq()).size() >= deadLetters
                        && p.readAll(p.topics.results()).size() >= GOOD.size());
        await().atMost(Duration.ofSeconds(30)).until(() -> p.committedTicketOffset() == 1);
        assertThat(keys(p.readAll(p.topics.results()))).containsExactlyInAnyOrderElementsOf(GOOD);
        List<ConsumerRecord<byte[], byte[]>> dead = p.readAll(p.topics.dlq());
        assertThat(dead).hasSize(deadLetters);
        return dead;
    }

    private static Set<String> topics(KafkaCluster cluster) throws Exception {
        try (Admin admin = admin(cluster)) {
            return admin.listTopics().names().get();
        }
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void deadLettersTheOneResultWhoseReplyToTopicDoesNotExist(KafkaCluster cluster) throws Exception {
        try (Emulator emu = Emulator.builder().timeScale(3600).seed(21).build().start();
                Pipeline p = new Pipeline(cluster, emu, 1)) {
            String nope = p.topics.results() + ".nope";
            List<Pipeline.Published> reqs = good(p);
            reqs.add(
                    2,
                    p.publish("lost", 1000, "#emulate output_tokens=10 outcome=succeeded")
                            .withReplyTo(nope));
            p.submit(reqs, 1, List.of());
            p.worker(Map.of());

            var dead = awaitOutcome(p, 1);
            assertThat(keys(dead)).containsExactly("lost");
            assertThat(Pipeline.header(dead.get(0), BridgeHeaders.ERROR_REASON)).isEqualTo("output_topic_unavailable");
            assertThat(Pipeline.header(dead.get(0), BridgeHeaders.ERROR_MESSAGE))
                    .contains(nope, "does not exist");
            assertThat(dead.get(0).value())
                    .as("the original request travels with it")
                    .isNotEmpty();
            assertThat(p.counter("bridge.worker.dead.letters", "reason", "output_topic_unavailable"))
                    .isEqualTo(1);
            assertThat(topics(cluster)).doesNotContain(nope);
        }
    }

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void neverCreatesAMissingOrDeletedReplyToTopicOnABrokerThatAutoCreatesTopics() throws Exception {
        try (EmbeddedKafka autoCreating = EmbeddedKafka.builder()
                        .brokerProperty("auto.create.topics.enable", "true")
                        .build()
                        .start();
                Emulator emu =
                        Emulator.builder().timeScale(3600).seed(22).build().start();
                Pipeline p = new Pipeline(autoCreating, emu, 1)) {
            String nope = p.topics.results() + ".nope";
            String gone = p.topics.results() + ".gone";
            try (Admin admin = admin(autoCreating)) {
                admin.createTopics(List.of(new NewTopic(gone, 1, (short) 1)))
                        .all()
                        .get();
            }
            List<Pipeline.Published> reqs = good(p);
            reqs.add(p.publish("lost", 1000, "#emulate output_tokens=10 outcome=succeeded")
                    .withReplyTo(nope));
            reqs.add(p.publish("orphan", 1000, "#emulate output_tokens=10 outcome=succeeded")
                    .withReplyTo(gone));
            reqs.add(p.publish("illegal", 1000, "#emulate output_tokens=10 outcome=succeeded")
                    .withReplyTo("results nope\u001b[2J")); // not a topic name: a type check passes it into a ticket
            p.submit(reqs, 1, List.of());
            try (Admin admin = admin(autoCreating)) { // deleted between the ticket and the fan-out
                admin.deleteTopics(List.of(gone)).all().get();
                await().atMost(Duration.ofSeconds(30))
                        .until(() -> !topics(autoCreating).contains(gone));
            }
            p.worker(Map.of());

            var dead = awaitOutcome(p, 3);
            assertThat(keys(dead)).containsExactlyInAnyOrder("lost", "orphan", "illegal");
            assertThat(dead)
                    .allSatisfy(r -> assertThat(Pipeline.header(r, BridgeHeaders.ERROR_REASON))
                            .isEqualTo("output_topic_unavailable"));
            assertThat(topics(autoCreating)).doesNotContain(nope, gone);
        }
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void dropsTheResultItsTopicRefusesFromTheTransactionAndDeliversTheRestOnce(KafkaCluster cluster) throws Exception {
        try (Emulator emu = Emulator.builder().timeScale(3600).seed(23).build().start();
                Pipeline p = new Pipeline(cluster, emu, 1)) {
            String tiny = p.topics.results() + ".tiny";
            try (Admin admin = admin(cluster)) { // exists, so only the broker can refuse the record: inside the txn
                admin.createTopics(
                                List.of(new NewTopic(tiny, 1, (short) 1).configs(Map.of("max.message.bytes", "128"))))
                        .all()
                        .get();
            }
            List<Pipeline.Published> reqs = good(p);
            reqs.add(
                    1,
                    p.publish("big", 1000, "#emulate output_tokens=10 outcome=succeeded")
                            .withReplyTo(tiny));
            p.submit(reqs, 1, List.of());
            p.worker(Map.of());

            var dead = awaitOutcome(p, 1);
            assertThat(keys(dead)).containsExactly("big");
            assertThat(Pipeline.header(dead.get(0), BridgeHeaders.ERROR_REASON)).isEqualTo("result_too_large");
            assertThat(Pipeline.header(dead.get(0), BridgeHeaders.ERROR_MESSAGE))
                    .contains(tiny);
            assertThat(p.readAll(tiny)).isEmpty();
        }
    }

    private static AclBinding acl(String topic, AclOperation op, AclPermissionType permission) {
        return new AclBinding(
                new ResourcePattern(ResourceType.TOPIC, topic, PatternType.LITERAL),
                new AccessControlEntry("User:client", "*", op, permission));
    }

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void deadLettersTheResultsOfTopicsAnAclClosesToTheWorker() throws Exception {
        try (EmbeddedKafka secured = EmbeddedKafka.builder()
                        .brokerProperty(
                                "authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer")
                        .brokerProperty("principal.builder.class", ListenerPrincipalBuilder.class.getName())
                        .brokerProperty("super.users", "User:controller")
                        .brokerProperty("allow.everyone.if.no.acl.found", "true")
                        .build()
                        .start();
                Emulator emu =
                        Emulator.builder().timeScale(3600).seed(24).build().start();
                Pipeline p = new Pipeline(secured, emu, 1)) {
            String closed = p.topics.results() + ".closed"; // may be described, not written: refused in the txn
            String hidden = p.topics.results() + ".hidden"; // not even described: refused by the Admin check
            try (Admin admin = admin(secured)) {
                admin.createTopics(List.of(new NewTopic(closed, 1, (short) 1), new NewTopic(hidden, 1, (short) 1)))
                        .all()
                        .get();
                admin.createAcls(List.of(
                                acl(closed, AclOperation.WRITE, AclPermissionType.DENY),
                                acl(closed, AclOperation.DESCRIBE, AclPermissionType.ALLOW),
                                acl(hidden, AclOperation.WRITE, AclPermissionType.DENY)))
                        .all()
                        .get();
            }
            List<Pipeline.Published> reqs = good(p);
            reqs.add(
                    3,
                    p.publish("denied", 1000, "#emulate output_tokens=10 outcome=succeeded")
                            .withReplyTo(closed));
            reqs.add(
                    1,
                    p.publish("unseen", 1000, "#emulate output_tokens=10 outcome=succeeded")
                            .withReplyTo(hidden));
            p.submit(reqs, 1, List.of());
            p.worker(Map.of());

            var dead = awaitOutcome(p, 2);
            assertThat(keys(dead)).containsExactlyInAnyOrder("denied", "unseen");
            assertThat(dead)
                    .allSatisfy(r -> assertThat(Pipeline.header(r, BridgeHeaders.ERROR_REASON))
                            .isEqualTo("output_topic_unavailable"));
            assertThat(dead)
                    .extracting(r -> Pipeline.header(r, BridgeHeaders.ERROR_MESSAGE))
                    .anySatisfy(m -> assertThat(m).contains(closed, "refused the result", "TopicAuthorization"))
                    .anySatisfy(m -> assertThat(m).contains(hidden, "may not be described"));
        }
    }
}
