package io.batchbridge.cli.demo;

import io.batchbridge.client.ApiAccount;
import io.batchbridge.client.BatchesClient;
import io.batchbridge.client.ClientSettings;
import io.batchbridge.client.Secret;
import io.batchbridge.common.topics.TopicNames;
import io.batchbridge.common.topics.TopicProvisioner;
import io.batchbridge.emulator.Emulator;
import io.batchbridge.kafka.embedded.EmbeddedKafka;
import io.batchbridge.submitter.SubmitterApp;
import io.batchbridge.submitter.SubmitterConfig;
import io.batchbridge.worker.WorkerApp;
import io.batchbridge.worker.WorkerConfig;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;

/**
 * The whole product in one process on embedded defaults: a real KRaft broker, the emulator on a fast
 * clock, provisioned topics, one submitter and one worker, configured for seconds instead of minutes.
 */
public final class EmbeddedStack implements AutoCloseable {
    private final EmbeddedKafka kafka;
    private final Emulator emulator;
    private final BatchesClient client;
    private final SubmitterApp submitter;
    private final WorkerApp worker;
    private final TopicNames topics = TopicNames.defaults();

    /**
     * @param timeScale simulated seconds per real second (7200: a 24 h expiry passes in 12 s)
     */
    public EmbeddedStack(double timeScale, long seed, MeterRegistry registry, Map<String, String> overrides) {
        kafka = EmbeddedKafka.startDefault();
        emulator = Emulator.builder().timeScale(timeScale).seed(seed).build().start();
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
            new TopicProvisioner(admin).provision(topics.specs(3, (short) 1), false);
        }
        Map<String, String> config = new HashMap<>();
        config.put("kafka.bootstrap.servers", kafka.bootstrapServers());
        config.put(SubmitterConfig.LINGER_MS, "1000");
        config.put(SubmitterConfig.CREATE_BACKOFF_MS, "500");
        config.put(SubmitterConfig.POLL_TIMEOUT_MS, "100");
        config.put(SubmitterConfig.INSTANCE_ID, "demo");
        config.put(WorkerConfig.INSTANCE_ID, "demo");
        config.put(WorkerConfig.POLL_INITIAL_MS, "500");
        config.put(WorkerConfig.POLL_MAX_MS, "2000");
        config.put(WorkerConfig.RETRY_BACKOFF_INITIAL_MS, "500");
        config.put(WorkerConfig.RETRY_BACKOFF_MAX_MS, "2000");
        config.put("bridge.api.retry.initial.backoff.ms", "100");
        config.putAll(overrides);
        client = new BatchesClient(
                new ApiAccount(
                        "default", URI.create(emulator.baseUrl()), Secret.of("demo-key"), Optional.empty(), 100_000),
                ClientSettings.from(config),
                registry,
                Clock.systemUTC());
        submitter = new SubmitterApp(
                new SubmitterConfig(config), a -> client, Set.of("default"), registry, Clock.systemUTC());
        worker = new WorkerApp(new WorkerConfig(config), a -> client, registry, Clock.systemUTC());
        submitter.start();
        worker.start();
    }

    public String bootstrapServers() {
        return kafka.bootstrapServers();
    }

    public String emulatorUrl() {
        return emulator.baseUrl();
    }

    public TopicNames topics() {
        return topics;
    }

    public Emulator emulator() {
        return emulator;
    }

    @Override
    public void close() {
        Duration drain = Duration.ofSeconds(10);
        worker.close(drain);
        submitter.close(drain);
        client.close();
        emulator.close();
        kafka.close();
    }
}
