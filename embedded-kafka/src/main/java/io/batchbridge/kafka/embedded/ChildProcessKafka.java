package io.batchbridge.kafka.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.Uuid;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real KRaft broker in its own JVM, for tests that must kill ({@code SIGKILL}) or restart the broker.
 * Ports, cluster id and data directory stay fixed across restarts, so clients reconnect to the same
 * address and find their topics intact. The child halts by itself when this JVM dies (see
 * {@link EmbeddedKafkaMain}).
 */
public final class ChildProcessKafka implements KafkaCluster {
    private static final Logger log = LoggerFactory.getLogger(ChildProcessKafka.class);

    private final Path dataDir;
    private final boolean deleteDataDirOnClose;
    private final int brokerPort;
    private final int controllerPort;
    private final String clusterId;
    private final Map<String, String> overrides;
    private final Duration startTimeout;
    private Process process;
    private int starts;
    private long launchedAt;
    private Path logFile;

    private ChildProcessKafka(Path dataDir, boolean owned, Map<String, String> overrides, Duration startTimeout) {
        this(
                dataDir,
                owned,
                EmbeddedKafka.freePort(),
                EmbeddedKafka.freePort(),
                Uuid.randomUuid().toString(),
                overrides,
                startTimeout);
    }

    private ChildProcessKafka(
            Path dataDir,
            boolean owned,
            int brokerPort,
            int controllerPort,
            String clusterId,
            Map<String, String> overrides,
            Duration startTimeout) {
        this.dataDir = dataDir;
        this.deleteDataDirOnClose = owned;
        this.brokerPort = brokerPort;
        this.controllerPort = controllerPort;
        this.clusterId = clusterId;
        this.overrides = new TreeMap<>(overrides);
        this.startTimeout = startTimeout;
    }

    /** One node of a {@link ChildProcessKafkaCluster}: ports, cluster id and node settings are the cluster's. */
    static ChildProcessKafka node(
            Path dataDir, int brokerPort, int controllerPort, String clusterId, Map<String, String> overrides) {
        return new ChildProcessKafka(
                dataDir, false, brokerPort, controllerPort, clusterId, overrides, Duration.ofSeconds(120));
    }

    /** Creates (does not start) a child broker with data in a fresh temporary directory. */
    public static ChildProcessKafka create(Map<String, String> brokerOverrides) {
        try {
            return new ChildProcessKafka(
                    Files.createTempDirectory("bridge-kafka-child-"), true, brokerOverrides, Duration.ofMinutes(3));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Starts the child JVM and waits until the broker is ready. */
    public synchronized ChildProcessKafka start() {
        if (isRunning()) {
            return this;
        }
        launch();
        awaitReady();
        return this;
    }

    /**
     * Starts the child JVM without waiting: the nodes of a cluster must all be launched before any can be ready
     * (a broker waits for its controller quorum).
     */
    synchronized void launch() {
        if (isRunning()) {
            return;
        }
        try {
            Files.createDirectories(dataDir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Path logFile = dataDir.resolve("broker-" + (++starts) + ".log");
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx512m");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(EmbeddedKafkaMain.class.getName());
        command.add(String.valueOf(brokerPort));
        command.add(String.valueOf(controllerPort));
        command.add(dataDir.resolve("data").toString());
        command.add(clusterId);
        overrides.forEach((k, v) -> command.add(k + "=" + v));
        launchedAt = System.nanoTime();
        try {
            process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(logFile.toFile())
                    .redirectInput(ProcessBuilder.Redirect.PIPE)
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the child broker JVM", e);
        }
        this.logFile = logFile;
    }

    /** Waits until the launched broker is ready (or has died, or the start timeout has passed). */
    synchronized void awaitReady() {
        long t0 = launchedAt;
        awaitReady(logFile, t0);
        log.info(
                "child Kafka broker (pid {}) ready at {} in {} ms",
                process.pid(),
                bootstrapServers(),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
    }

    private void awaitReady(Path logFile, long t0) {
        long deadline = t0 + startTimeout.toNanos();
        while (System.nanoTime() < deadline) {
            String output = readQuietly(logFile);
            if (output.contains(EmbeddedKafkaMain.READY_MARKER)) {
                return;
            }
            if (!process.isAlive()) {
                throw new IllegalStateException(
                        "child broker exited with " + process.exitValue() + ":\n" + tail(output));
            }
            try {
                // Polls a file another process writes; there is no event to wait on.
                process.waitFor(50, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the child broker", e);
            }
        }
        process.destroyForcibly();
        throw new IllegalStateException(
                "child broker not ready within " + startTimeout + ":\n" + tail(readQuietly(logFile)));
    }

    private static String readQuietly(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            return "";
        }
    }

    private static String tail(String s) {
        return s.length() <= 4000 ? s : s.substring(s.length() - 4000);
    }

    /** SIGKILLs the broker JVM: no shutdown hook, no flush, exactly like a crash. */
    public synchronized void kill() {
        if (process != null) {
            process.destroyForcibly();
            waitForExit();
            log.info("child Kafka broker at {} killed", bootstrapServers());
        }
    }

    /** Stops the broker gracefully (SIGTERM). */
    public synchronized void stop() {
        if (process != null) {
            process.destroy();
            waitForExit();
        }
    }

    /** Kills and starts again with the same ports and data. */
    public synchronized ChildProcessKafka restart() {
        kill();
        return start();
    }

    private void waitForExit() {
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process = null;
    }

    public synchronized boolean isRunning() {
        return process != null && process.isAlive();
    }

    public synchronized long pid() {
        return process == null ? -1 : process.pid();
    }

    @Override
    public String bootstrapServers() {
        return "127.0.0.1:" + brokerPort;
    }

    @Override
    public synchronized void close() {
        kill();
        if (deleteDataDirOnClose) {
            Dirs.deleteRecursively(dataDir);
        }
    }
}
