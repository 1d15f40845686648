package io.batchbridge.kafka.embedded;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Kafka broker in KRaft mode (combined broker and controller), started in this JVM
 * from Apache Kafka's own jars. No Docker, no ZooKeeper, no mocks: this is the same
 * {@code KafkaRaftServer} that {@code kafka-server-start.sh} runs.
 *
 * <p>Storage is formatted with {@code StorageTool} on first start and kept across restarts of the same
 * instance. Ports are picked free (retrying on a clash) unless fixed in the {@link Builder}. Data lives in
 * a temporary directory that is deleted on {@link #close()} unless the builder was given one.
 */
public final class EmbeddedKafka implements KafkaCluster {
    private static final Logger log = LoggerFactory.getLogger(EmbeddedKafka.class);
    private static final int MAX_START_ATTEMPTS = 5;

    private final Path dataDir;
    private final boolean deleteDataDirOnClose;
    private final Map<String, String> overrides;
    private final String clusterId;
    private int brokerPort;
    private int controllerPort;
    private final boolean fixedPorts;
    private KafkaRaftServer server;
    private boolean formatted;

    private EmbeddedKafka(Builder builder) {
        try {
            this.deleteDataDirOnClose = builder.dataDir == null;
            this.dataDir = builder.dataDir != null
                    ? Files.createDirectories(builder.dataDir)
                    : Files.createTempDirectory("bridge-kafka-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the broker's data directory", e);
        }
        this.overrides = Map.copyOf(builder.overrides);
        this.clusterId = builder.clusterId != null
                ? builder.clusterId
                : Uuid.randomUuid().toString();
        this.brokerPort = builder.brokerPort;
        this.controllerPort = builder.controllerPort;
        this.fixedPorts = builder.brokerPort > 0;
        this.formatted = Files.exists(dataDir.resolve("logs").resolve("meta.properties"));
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Starts a broker with default settings on free ports. */
    public static EmbeddedKafka startDefault() {
        EmbeddedKafka kafka = builder().build();
        kafka.start();
        return kafka;
    }

    /** Starts the broker; formats its storage first if this is the first start. Idempotent. */
    public synchronized EmbeddedKafka start() {
        if (server != null) {
            return this;
        }
        long startNanos = System.nanoTime();
        RuntimeException last = null;
        for (int attempt = 1; attempt <= MAX_START_ATTEMPTS; attempt++) {
            if (!fixedPorts && (brokerPort == 0 || attempt > 1)) {
                brokerPort = freePort();
                controllerPort = freePort();
            }
            try {
                startOnce();
                log.info(
                        "Kafka broker started at {} in {} ms (data {})",
                        bootstrapServers(),
                        Duration.ofNanos(System.nanoTime() - startNanos).toMillis(),
                        dataDir);
                return this;
            } catch (RuntimeException e) {
                last = e;
                shutdownQuietly();
                if (fixedPorts || !causedByBindFailure(e)) {
                    throw e;
                }
                log.warn("port clash starting the broker (attempt {}), retrying on other ports", attempt);
            }
        }
        throw last;
    }

    private void startOnce() {
        Properties props = brokerProperties();
        if (!formatted) {
            format(props);
            formatted = true;
        }
        KafkaRaftServer raftServer = new KafkaRaftServer(new KafkaConfig(props, false), Time.SYSTEM);
        server = raftServer;
        raftServer.startup();
    }

    private void format(Properties props) {
        Path config = dataDir.resolve("server.properties");
        try (OutputStream out = Files.newOutputStream(config)) {
            props.store(out, "written by batch-bridge EmbeddedKafka");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + config, e);
        }
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        int rc;
        try (PrintStream out = new PrintStream(captured, true, StandardCharsets.UTF_8)) {
            rc = StorageTool.execute(
                    new String[] {"format", "-t", clusterId, "-c", config.toString(), "--ignore-formatted"}, out);
        }
        if (rc != 0) {
            throw new IllegalStateException("formatting the broker storage failed (exit " + rc + "): "
                    + captured.toString(StandardCharsets.UTF_8));
        }
    }

    Properties brokerProperties() {
        Properties p = new Properties();
        p.put("process.roles", "broker,controller");
        p.put("node.id", "1");
        p.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        p.put("listeners", "PLAINTEXT://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
        p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + brokerPort);
        p.put("controller.listener.names", "CONTROLLER");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.put("log.dirs", dataDir.resolve("logs").toString());
        p.put("num.partitions", "1");
        p.put("offsets.topic.replication.factor", "1");
        p.put("offsets.topic.num.partitions", "5");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("transaction.state.log.num.partitions", "5");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        p.put("group.initial.rebalance.delay.ms", "0");
        p.put("auto.create.topics.enable", "false");
        // Large records (300k-token results, 1M-token requests) must pass by default.
        p.put("message.max.bytes", String.valueOf(16 * 1024 * 1024));
        p.put("replica.fetch.max.bytes", String.valueOf(16 * 1024 * 1024));
        p.put("log.flush.interval.messages", String.valueOf(Long.MAX_VALUE));
        p.put("log.segment.bytes", String.valueOf(64 * 1024 * 1024));
        p.putAll(overrides);
        return p;
    }

    @Override
    public String bootstrapServers() {
        return "127.0.0.1:" + brokerPort;
    }

    public Path dataDir() {
        return dataDir;
    }

    public synchronized boolean isRunning() {
        return server != null;
    }

    /** Stops the broker but keeps its data, so {@link #start()} brings it back with every topic intact. */
    public synchronized void stop() {
        if (server != null) {
            shutdownQuietly();
            log.info("Kafka broker at {} stopped", bootstrapServers());
        }
    }

    private void shutdownQuietly() {
        KafkaRaftServer s = server;
        server = null;
        if (s == null) {
            return;
        }
        try {
            s.shutdown();
            s.awaitShutdown();
        } catch (RuntimeException e) {
            log.warn("error while stopping the broker: {}", e.toString());
        }
    }

    @Override
    public synchronized void close() {
        stop();
        if (deleteDataDirOnClose) {
            Dirs.deleteRecursively(dataDir);
        }
    }

    private static boolean causedByBindFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof BindException || String.valueOf(t.getMessage()).contains("Address already in use")) {
                return true;
            }
        }
        return false;
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port", e);
        }
    }

    @Override
    public String toString() {
        return "EmbeddedKafka[" + bootstrapServers() + ", running=" + isRunning() + "]";
    }

    /** Settings for an {@link EmbeddedKafka}. */
    public static final class Builder {
        private Path dataDir;
        private final Map<String, String> overrides = new HashMap<>();
        private String clusterId;
        private int brokerPort;
        private int controllerPort;

        /** Keep data in this directory (not deleted on close); a formatted directory is reused as is. */
        public Builder dataDir(Path dir) {
            this.dataDir = Objects.requireNonNull(dir);
            return this;
        }

        /** Any broker setting, e.g. {@code message.max.bytes}; applied last, so it wins. */
        public Builder brokerProperty(String key, String value) {
            overrides.put(Objects.requireNonNull(key), Objects.requireNonNull(value));
            return this;
        }

        public Builder clusterId(String id) {
            this.clusterId = id;
            return this;
        }

        /** Fixed ports (e.g. for {@code bridge kafka --port}); 0 picks free ones. */
        public Builder ports(int broker, int controller) {
            if (broker < 0 || controller < 0 || (broker > 0) != (controller > 0)) {
                throw new IllegalArgumentException(
                        "ports must both be 0 or both be positive but were " + broker + " and " + controller);
            }
            this.brokerPort = broker;
            this.controllerPort = controller;
            return this;
        }

        public EmbeddedKafka build() {
            return new EmbeddedKafka(this);
        }
    }
}
