package io.batchbridge.cli.demo;

import io.batchbridge.cli.ops.KafkaProbe;
import io.batchbridge.cli.ops.RoleHost;
import io.batchbridge.client.ApiAccount;
import io.batchbridge.client.ApiAccounts;
import io.batchbridge.client.ClientSettings;
import io.batchbridge.client.Secret;
import io.batchbridge.common.http.OpsSettings;
import io.batchbridge.common.topics.TopicNames;
import io.batchbridge.common.topics.TopicProvisioner;
import io.batchbridge.emulator.Emulator;
import io.batchbridge.kafka.embedded.EmbeddedKafka;
import io.batchbridge.submitter.SubmitterApp;
import io.batchbridge.submitter.SubmitterConfig;
import io.batchbridge.worker.WorkerApp;
import io.batchbridge.worker.WorkerConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.admin.Admin;

/**
 * The whole product in one process on embedded defaults: a real KRaft broker, the emulator on a fast
 * clock, provisioned topics, one submitter and one worker, configured for seconds instead of minutes. Each role
 * is wired as {@code bridge submitter|worker} wires it ({@link RoleHost}): its own Prometheus registry, API client
 * and ops server ({@code /metrics}, {@code /health/*}) on a free local port.
 */
public final class EmbeddedStack implements AutoCloseable {
    private final EmbeddedKafka kafka;
    private final boolean ownsKafka;
    private final Emulator emulator;
    private final RoleHost<SubmitterApp> submitter;
    private final RoleHost<WorkerApp> worker;
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
        String key = b.apiKey == null ? "demo-key" : b.apiKey;
        ApiAccounts account = ApiAccounts.of(
                new ApiAccount("default", URI.create(emulator.baseUrl()), Secret.of(key), Optional.empty(), 100_000));
        ClientSettings settings = ClientSettings.from(config);
        submitter = RoleHost.start(
                account,
                settings,
                Clock.systemUTC(),
                (clients, registry, clock) ->
                        new SubmitterApp(new SubmitterConfig(config), clients::get, clients.names(), registry, clock));
        worker = RoleHost.start(
                account,
                settings,
                Clock.systemUTC(),
                (clients, registry, clock) -> new WorkerApp(new WorkerConfig(config), clients::get, registry, clock));
        OpsSettings local = new OpsSettings("127.0.0.1", 0);
        Map<String, Object> kafkaSettings = Map.of("bootstrap.servers", kafka.bootstrapServers());
        submitter.serve(local, probe(kafkaSettings));
        worker.serve(local, probe(kafkaSettings));
    }

    public static Builder builder() {
        return new Builder();
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
        return submitter.registry();
    }

    public PrometheusMeterRegistry workerRegistry() {
        return worker.registry();
    }

    /** {@code http://127.0.0.1:port} of the submitter's ops server. */
    public URI submitterOps() {
        return submitter.ops().baseUri();
    }

    /** {@code http://127.0.0.1:port} of the worker's ops server. */
    public URI workerOps() {
        return worker.ops().baseUri();
    }

    public SubmitterApp submitter() {
        return submitter.role();
    }

    public WorkerApp worker() {
        return worker.role();
    }

    @Override
    public void close() {
        Duration drain = Duration.ofSeconds(10);
        worker.close(drain);
        submitter.close(drain);
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
