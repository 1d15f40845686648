package io.batchbridge.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.batchbridge.kafka.embedded.EmbeddedKafka;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The ACLs of deploy/k8s/components/kafka-users/kafkausers.yaml on a real broker with authorization (KRaft,
 * StandardAuthorizer, SASL/PLAIN standing in for Strimzi's SCRAM): each role does what it does in production
 * (transactions, consumer groups, offsets in transactions, reads by coordinates) and only the submitter can
 * write the batches topic.
 */
@Timeout(180)
class KafkaUsersAclIT {
    private static final Path USERS = Path.of("..", "deploy", "k8s", "components", "kafka-users", "kafkausers.yaml");
    private static final List<String> TOPICS = List.of(
            "bridge.requests",
            "bridge.batches",
            "bridge.results",
            "bridge.results.tenant-a",
            "bridge.retry",
            "bridge.dlq",
            "bridge.batch-events",
            "bridge.checkpoints",
            "bridge.intents",
            "bridge.spend");

    private static EmbeddedKafka kafka;

    @BeforeAll
    static void brokerWithTheAcls() throws Exception {
        kafka = EmbeddedKafka.builder()
                .brokerProperty("listener.security.protocol.map", "PLAINTEXT:SASL_PLAINTEXT,CONTROLLER:PLAINTEXT")
                .brokerProperty("sasl.enabled.mechanisms", "PLAIN")
                .brokerProperty("sasl.mechanism.inter.broker.protocol", "PLAIN")
                .brokerProperty(
                        "listener.name.plaintext.plain.sasl.jaas.config",
                        "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"admin\""
                                + " password=\"admin\" user_admin=\"admin\" user_bridge-submitter=\"s\""
                                + " user_bridge-worker=\"w\";")
                .brokerProperty("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer")
                // the controller listener is plaintext: its principal is ANONYMOUS
                .brokerProperty("super.users", "User:admin;User:ANONYMOUS")
                .build()
                .start();
        try (Admin admin = Admin.create(client("admin", "admin"))) {
            List<NewTopic> topics = new ArrayList<>();
            TOPICS.forEach(t -> topics.add(new NewTopic(t, 1, (short) 1)));
            admin.createTopics(topics).all().get();
            admin.createAcls(bindings()).all().get();
        }
        try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(client("admin", "admin"))) {
            p.send(new ProducerRecord<>("bridge.requests", "r-1".getBytes(UTF_8), "{}".getBytes(UTF_8)))
                    .get();
        }
    }

    @AfterAll
    static void stop() {
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void theSubmitterConsumesRequestsAndWritesTicketsDeadLettersAndEventsInOneTransaction() throws Exception {
        try (KafkaConsumer<byte[], byte[]> c = consumer("bridge-submitter", "s", "bridge-submitter");
                KafkaProducer<byte[], byte[]> p = transactional("bridge-submitter", "s", "bridge-submitter-it")) {
            c.subscribe(List.of("bridge.requests", "bridge.retry"));
            Map<TopicPartition, OffsetAndMetadata> offsets = pollOne(c);
            p.initTransactions();
            p.beginTransaction();
            for (String t :
                    List.of("bridge.batches", "bridge.dlq", "bridge.batch-events", "bridge.intents", "bridge.spend")) {
                p.send(new ProducerRecord<>(t, "k".getBytes(UTF_8), "{}".getBytes(UTF_8)));
            }
            p.sendOffsetsToTransaction(offsets, c.groupMetadata());
            p.commitTransaction();
        }
        // create intents and tickets are read back at start, the spend ledger before each create, without a group
        try (KafkaConsumer<byte[], byte[]> byCoordinates = consumer("bridge-submitter", "s", null)) {
            List<TopicPartition> tps = List.of(
                    new TopicPartition("bridge.intents", 0),
                    new TopicPartition("bridge.batches", 0),
                    new TopicPartition("bridge.spend", 0));
            byCoordinates.assign(tps);
            byCoordinates.seekToBeginning(tps);
            tps.forEach(tp -> assertThat(byCoordinates.position(tp)).isZero());
        }
    }

    @Test
    void theWorkerConsumesTicketsRereadsRequestsAndWritesEverythingItWrites() throws Exception {
        try (KafkaProducer<byte[], byte[]> admin = new KafkaProducer<>(client("admin", "admin"))) {
            admin.send(new ProducerRecord<>("bridge.batches", "b".getBytes(UTF_8), "{}".getBytes(UTF_8)))
                    .get();
        }
        try (KafkaConsumer<byte[], byte[]> c = consumer("bridge-worker", "w", "bridge-worker");
                KafkaConsumer<byte[], byte[]> byCoordinates = consumer("bridge-worker", "w", null);
                KafkaProducer<byte[], byte[]> p = transactional("bridge-worker", "w", "bridge-worker-it-fanout-0")) {
            c.subscribe(List.of("bridge.batches"));
            Map<TopicPartition, OffsetAndMetadata> offsets = pollOne(c);
            TopicPartition requests = new TopicPartition("bridge.requests", 0);
            byCoordinates.assign(List.of(requests, new TopicPartition("bridge.checkpoints", 0)));
            byCoordinates.seekToBeginning(byCoordinates.assignment());
            assertThat(byCoordinates.position(requests)).isZero();
            assertThat(byCoordinates.poll(Duration.ofSeconds(10)).records(requests))
                    .isNotEmpty();
            p.initTransactions();
            p.beginTransaction();
            for (String t : List.of(
                    "bridge.results",
                    "bridge.results.tenant-a",
                    "bridge.retry",
                    "bridge.dlq",
                    "bridge.checkpoints",
                    "bridge.batch-events",
                    "bridge.spend")) {
                p.send(new ProducerRecord<>(t, "k".getBytes(UTF_8), "{}".getBytes(UTF_8)));
            }
            p.sendOffsetsToTransaction(offsets, c.groupMetadata());
            p.commitTransaction();
        }
    }

    @Test
    void onlyTheSubmitterMayWriteTheBatchesTopic() {
        try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(client("bridge-worker", "w"))) {
            assertThatThrownBy(() -> p.send(new ProducerRecord<>("bridge.batches", "{}".getBytes(UTF_8)))
                            .get())
                    .isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(TopicAuthorizationException.class);
        }
        try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(client("bridge-submitter", "s"))) {
            assertThatThrownBy(() -> p.send(new ProducerRecord<>("bridge.results", "{}".getBytes(UTF_8)))
                            .get())
                    .isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(TopicAuthorizationException.class);
        }
    }

    private static Map<TopicPartition, OffsetAndMetadata> pollOne(KafkaConsumer<byte[], byte[]> c) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            ConsumerRecords<byte[], byte[]> records = c.poll(Duration.ofMillis(500));
            if (!records.isEmpty()) {
                Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
                records.forEach(r -> offsets.put(
                        new TopicPartition(r.topic(), r.partition()), new OffsetAndMetadata(r.offset() + 1)));
                return offsets;
            }
        }
        throw new AssertionError("no record consumed");
    }

    private static KafkaProducer<byte[], byte[]> transactional(String user, String password, String id) {
        Map<String, Object> p = client(user, password);
        p.put("transactional.id", id);
        return new KafkaProducer<>(p);
    }

    private static KafkaConsumer<byte[], byte[]> consumer(String user, String password, String group) {
        Map<String, Object> c = client(user, password);
        if (group != null) {
            c.put("group.id", group);
        }
        c.put("auto.offset.reset", "earliest");
        c.put("enable.auto.commit", "false");
        c.put("isolation.level", "read_committed");
        return new KafkaConsumer<>(c);
    }

    private static Map<String, Object> client(String user, String password) {
        Map<String, Object> c = new HashMap<>();
        c.put("bootstrap.servers", kafka.bootstrapServers());
        c.put("security.protocol", "SASL_PLAINTEXT");
        c.put("sasl.mechanism", "PLAIN");
        c.put(
                "sasl.jaas.config",
                "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"" + user + "\" password=\""
                        + password + "\";");
        c.put("key.serializer", "org.apache.kafka.common.serialization.ByteArraySerializer");
        c.put("value.serializer", "org.apache.kafka.common.serialization.ByteArraySerializer");
        c.put("key.deserializer", "org.apache.kafka.common.serialization.ByteArrayDeserializer");
        c.put("value.deserializer", "org.apache.kafka.common.serialization.ByteArrayDeserializer");
        c.put("max.block.ms", "30000");
        return c;
    }

    /** The Strimzi ACL rules of every KafkaUser as Kafka bindings for principal User:&lt;name&gt;. */
    private static List<AclBinding> bindings() throws Exception {
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
        List<AclBinding> out = new ArrayList<>();
        try (var parser = yaml.getFactory().createParser(USERS.toFile())) {
            for (JsonNode user : yaml.readValues(parser, JsonNode.class).readAll()) {
                String principal = "User:" + user.path("metadata").path("name").asText();
                for (JsonNode acl : user.path("spec").path("authorization").path("acls")) {
                    JsonNode r = acl.path("resource");
                    ResourcePattern pattern = new ResourcePattern(
                            ResourceType.fromString(snake(r.path("type").asText())),
                            r.path("name").asText(),
                            "prefix".equals(r.path("patternType").asText())
                                    ? PatternType.PREFIXED
                                    : PatternType.LITERAL);
                    assertThat(pattern.resourceType()).isNotEqualTo(ResourceType.UNKNOWN);
                    for (JsonNode op : acl.path("operations")) {
                        AclOperation operation = AclOperation.fromString(snake(op.asText()));
                        assertThat(operation).as(op.asText()).isNotEqualTo(AclOperation.UNKNOWN);
                        out.add(new AclBinding(
                                pattern, new AccessControlEntry(principal, "*", operation, AclPermissionType.ALLOW)));
                    }
                }
            }
        }
        return out;
    }

    /** {@code DescribeConfigs} → {@code DESCRIBE_CONFIGS}, {@code transactionalId} → {@code TRANSACTIONAL_ID}. */
    private static String snake(String camel) {
        return camel.replaceAll("([a-z])([A-Z])", "$1_$2").toUpperCase(Locale.ROOT);
    }
}
