package io.batchbridge.cli.demo;

import io.batchbridge.cli.ops.KafkaProbe;
import io.batchbridge.cli.ops.RoleOps;
import io.batchbridge.client.ApiAccount;
import io.batchbridge.client.BatchesClient;
import io.batchbridge.client.ClientSettings;
import io.batchbridge.client.Secret;
import io.batchbridge.common.http.OpsSettings;
import io.batchbridge.common.lifecycle.RoleState;
import io.batchbridge.common.metrics.MetricsBinder;
import io.batchbridge.common.topics.TopicNames;
import io.batchbridge.common.topics.TopicProvisioner;
import io.batchbridge.emulator.Emulator;
import io.batchbridge.kafka.embedded.EmbeddedKafka;
import io.batchbridge.submitter.SubmitterApp;
import io.batchbridge.submitter.SubmitterConfig;
import io.batchbridge.worker.WorkerApp;
import io.batchbridge.worker.WorkerConfig;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;

/**
 * The whole product in one process on embedded defaults: a real KRaft broker, the emulator on a fast
 * clock, provisioned topics, one submitter and one worker, configured for seconds instead of minutes. Each role
 * has its own Prometheus registry and ops server ({@code /metrics}, {@code /health/*}) on a free local port.
 */
public final class EmbeddedStack implements AutoCloseable {
    private final EmbeddedKafka kafka;
    private final boolean ownsKafka;
    private final Emulator emulator;
    private final PrometheusMeterRegistry submitterRegistry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final PrometheusMeterRegistry workerRegistry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final MetricsBinder submitterJvm;
    private final MetricsBinder workerJvm;
    private final BatchesClient submitterClient;
    private final BatchesClient workerClient;
    private final SubmitterApp submitter;
    private final WorkerApp worker;
    private final RoleOps submitterOps;
    private final RoleOps workerOps;
    private final TopicNames topics = TopicNames.defaults();

    /**
     * @param timeScale simulated seconds per real second (7200: a 24 h expiry passes in 12 s)
     */
    public EmbeddedStack(double timeScale, long seed, Map<String, String> overrides) {
        this(builder().timeScale(timeScale).seed(seed).overrides(overrides));
    }

    private EmbeddedStack(Builder b) {
        ownsKafka = b.kafka == null;
        kafka = ownsKafka ? EmbeddedKafka.startDefault() : b.kafka;
        Emulator.Builder eb = Emulator.builder().timeScale(b.timeScale).seed(b.seed);
        if (b.apiKey != null) {
            eb.apiKey(b.apiKey);
        }
        emulator = eb.build().start();
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
        config.putAll(b.overrides);
        submitterJvm = new MetricsBinder(submitterRegistry).bindJvm();
        workerJvm = new MetricsBinder(workerRegistry).bindJvm();
        String key = b.apiKey == null ? "demo-key" : b.apiKey;
        submitterClient = client(key, config, submitterRegistry);
        workerClient = client(key, config, workerRegistry);
        submitter = new SubmitterApp(
                new SubmitterConfig(config),
                a -> submitterClient,
                Set.of("default"),
                submitterRegistry,
                Clock.systemUTC());
        worker = new WorkerApp(new WorkerConfig(config), a -> workerClient, workerRegistry, Clock.systemUTC());
        submitter.start();
        worker.start();
        OpsSettings local = new OpsSettings("127.0.0.1", 0);
        Map<String, Object> kafkaSettings = Map.of("bootstrap.servers", kafka.bootstrapServers());
        submitterOps = RoleOps.start(
                local,
                submitterRegistry,
                new RoleOps.Probes() {
                    @Override
                    public RoleState state() {
                        return submitter.state();
                    }

                    @Override
                    public boolean assignmentSettled() {
                        return submitter.assignmentSettled();
                    }

                    @Override
                    public Collection<BatchesClient> apiClients() {
                        return List.of(submitterClient);
                    }

                    @Override
                    public boolean spendGuardEngaged() {
                        return submitter.spendGuardEngaged();
                    }
                },
                probe(kafkaSettings));
        workerOps = RoleOps.start(
                local,
                workerRegistry,
                new RoleOps.Probes() {
                    @Override
                    public RoleState state() {
                        return worker.state();
                    }

                    @Override
                    public boolean assignmentSettled() {
                        return worker.assignmentSettled();
                    }

                    @Override
                    public boolean fanoutThreadsUp() {
                        return worker.degraded().isEmpty();
                    }

                    @Override
                    public Collection<BatchesClient> apiClients() {
                        return List.of(workerClient);
                    }
                },
                probe(kafkaSettings));
    }

    public static Builder builder() {
        return new Builder();
    }

    private BatchesClient client(String key, Map<String, String> config, PrometheusMeterRegistry registry) {
        return new BatchesClient(
                new ApiAccount("default", URI.create(emulator.baseUrl()), Secret.of(key), Optional.empty(), 100_000),
                ClientSettings.from(config),
                registry,
                Clock.systemUTC());
    }

    private static KafkaProbe probe(Map<String, Object> settings) {
        return new KafkaProbe(settings, Duration.ofMillis(500), Duration.ofSeconds(1));
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

    public PrometheusMeterRegistry submitterRegistry() {
        return submitterRegistry;
    }

    public PrometheusMeterRegistry workerRegistry() {
        return workerRegistry;
    }

    /** {@code http://127.0.0.1:port} of the submitter's ops server. */
    public URI submitterOps() {
        return submitterOps.baseUri();
    }

    /** {@code http://127.0.0.1:port} of the worker's ops server. */
    public URI workerOps() {
        return workerOps.baseUri();
    }

    public SubmitterApp submitter() {
        return submitter;
    }

    public WorkerApp worker() {
        return worker;
    }

    @Override
    public void close() {
        Duration drain = Duration.ofSeconds(10);
        submitterOps.close();
        workerOps.close();
        worker.close(drain);
        submitter.close(drain);
        submitterClient.close();
        workerClient.close();
        submitterJvm.close();
        workerJvm.close();
        emulator.close();
        if (ownsKafka) {
            kafka.close();
        }
    }

    /** Options of an {@link EmbeddedStack}; {@link #start()} builds it. */
    public static final class Builder {
        private double timeScale = 7200;
        private long seed = 42;
        private Map<String, String> overrides = Map.of();
        private EmbeddedKafka kafka;
        private String apiKey;

        private Builder() {}

        public Builder timeScale(double timeScale) {
            this.timeScale = timeScale;
            return this;
        }

        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /** Role and client settings on top of the stack's fast defaults. */
        public Builder overrides(Map<String, String> overrides) {
            this.overrides = Map.copyOf(overrides);
            return this;
        }

        /** Use this broker (owned by the caller, who may stop and restart it) instead of starting one. */
        public Builder kafka(EmbeddedKafka kafka) {
            this.kafka = kafka;
            return this;
        }

        /** The API key the emulator requires and the clients send (default: any key accepted, "demo-key" sent). */
        public Builder apiKey(String apiKey) {
            this.apiKey = apiKey;
            return this;
        }

        public EmbeddedStack start() {
            return new EmbeddedStack(this);
        }
    }
}
