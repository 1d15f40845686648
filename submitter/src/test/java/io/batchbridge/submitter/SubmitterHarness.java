package io.batchbridge.submitter;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.batchbridge.client.ApiAccount;
import io.batchbridge.client.BatchesClient;
import io.batchbridge.client.ClientSettings;
import io.batchbridge.client.Secret;
import io.batchbridge.common.config.CommonKeys;
import io.batchbridge.common.kafka.CommittedReader;
import io.batchbridge.common.kafka.KafkaClientDefaults;
import io.batchbridge.common.records.Ticket;
import io.batchbridge.common.records.TicketCodec;
import io.batchbridge.common.topics.TopicNames;
import io.batchbridge.common.topics.TopicProvisioner;
import io.batchbridge.emulator.Emulator;
import io.batchbridge.kafka.embedded.KafkaCluster;
import io.batchbridge.kafka.embedded.KafkaClusterExtension;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;

/** A submitter against a real broker and the emulator, with helpers to publish requests and read back. */
final class SubmitterHarness implements AutoCloseable {
    final KafkaCluster cluster;
    final Emulator emulator;
    final TopicNames names;
    final BatchesClient client;
    final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    final Map<String, String> config = new HashMap<>();
    private final List<SubmitterApp> apps = new ArrayList<>();
    private final KafkaProducer<byte[], byte[]> producer;

    SubmitterHarness(KafkaCluster cluster, int partitions) {
        this(cluster, partitions, Emulator.builder().timeScale(3600), Map.of());
    }

    /**
     * @param emulator the emulator's settings (the harness sets seed 7)
     * @param api client settings ({@code bridge.api.*}) over the harness's own: the submitters share this client
     */
    SubmitterHarness(KafkaCluster cluster, int partitions, Emulator.Builder emulator, Map<String, String> api) {
        this(cluster, partitions, emulator, api, false);
    }

    /** @param dedicated whether the API account is declared dedicated to this deployment */
    SubmitterHarness(
            KafkaCluster cluster,
            int partitions,
            Emulator.Builder emulator,
            Map<String, String> api,
            boolean dedicated) {
        this.cluster = cluster;
        this.emulator = emulator.seed(7).build().start();
        this.names = TopicNames.withPrefix(KafkaClusterExtension.uniqueTopic("sub") + ".");
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", cluster.bootstrapServers()))) {
            new TopicProvisioner(admin).provision(names.specs(partitions, (short) 1), false);
        }
        Map<String, String> settings = new HashMap<>(Map.of(
                "bridge.api.max.retries", "1",
                "bridge.api.retry.initial.backoff.ms", "10",
                "bridge.api.retry.max.backoff.ms", "20",
                "bridge.api.breaker.minimum.calls", "100"));
        settings.putAll(api);
        this.client = new BatchesClient(
                new ApiAccount(
                                "default",
                                URI.create(this.emulator.baseUrl()),
                                Secret.of("test-key"),
                                Optional.empty(),
                                100_000)
                        .withDedicated(dedicated),
                ClientSettings.from(settings),
                registry,
                Clock.systemUTC());
        this.producer = new KafkaProducer<>(KafkaClientDefaults.producer(cluster.bootstrapServers()));
        config.put("kafka.bootstrap.servers", cluster.bootstrapServers());
        config.putAll(CommonKeys.topicSettings(names));
        config.put(SubmitterConfig.GROUP_ID, "sub-" + UUID.randomUUID());
        config.put(SubmitterConfig.INSTANCE_ID, "it-" + UUID.randomUUID());
        config.put(SubmitterConfig.LINGER_MS, "300");
        config.put(SubmitterConfig.CREATE_BACKOFF_MS, "200");
        config.put(SubmitterConfig.REPLY_TO_ALLOWED, "bridge\\.results.*|.*\\.results");
        config.put(SubmitterConfig.POLL_TIMEOUT_MS, "50");
    }

    SubmitterApp start() {
        return start(Map.of());
    }

    SubmitterApp start(Map<String, String> overrides) {
        return start(overrides, Clock.systemUTC());
    }

    SubmitterApp start(Map<String, String> overrides, Clock clock) {
        Map<String, String> c = new HashMap<>(config);
        c.putAll(overrides);
        SubmitterApp app =
                new SubmitterApp(new SubmitterConfig(c), account -> client, Set.of("default"), registry, clock);
        apps.add(app);
        return app.start();
    }

    static String params(String model, long maxTokens, String text) {
        return "{\"model\":\"" + model + "\",\"max_tokens\":" + maxTokens
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"" + text + "\"}]}";
    }

    static String request(String customId, String params, String extra) {
        return "{\"custom_id\":\"" + customId + "\",\"params\":" + params + extra + "}";
    }

    void publish(String topic, String key, String value) {
        publish(topic, key, value.getBytes(UTF_8), new RecordHeaders());
    }

    org.apache.kafka.clients.producer.RecordMetadata publish(
            String topic, String key, byte[] value, RecordHeaders headers) {
        try {
            return producer.send(
                            new ProducerRecord<>(topic, null, key == null ? null : key.getBytes(UTF_8), value, headers))
                    .get();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Everything a read_committed consumer sees on a topic right now. */
    List<ConsumerRecord<byte[], byte[]>> readAll(String topic) {
        return CommittedReader.readAll(cluster.bootstrapServers(), topic);
    }

    List<Ticket> tickets() {
        return readAll(names.batches()).stream()
                .map(r -> TicketCodec.read(r.value()))
                .toList();
    }

    /** Every (user custom_id) carried by a ticket, once per occurrence. */
    List<String> ticketedCustomIds() {
        return tickets().stream()
                .flatMap(t -> t.items().stream())
                .map(i -> i.customId())
                .toList();
    }

    @Override
    public void close() {
        apps.forEach(a -> a.close(Duration.ofSeconds(10)));
        producer.close();
        client.close();
        emulator.close();
    }
}
