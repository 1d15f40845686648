package io.batchbridge.kafka.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.Uuid;

/**
 * A replicated KRaft cluster of real brokers, each in its own JVM: every node is broker and controller, the
 * controllers form one static quorum, and the internal topics (group offsets, transaction state) are replicated
 * three times with {@code min.insync.replicas} 2 — what a production cluster looks like, so a test can SIGKILL
 * the broker that leads a partition and see the others carry on. Ports, cluster id and data directories stay
 * fixed, so a node restarted with {@link #start(int)} rejoins with its data.
 */
public final class ChildProcessKafkaCluster implements KafkaCluster {
    private final Path dataDir;
    private final List<ChildProcessKafka> nodes = new ArrayList<>();
    private final List<Integer> brokerPorts = new ArrayList<>();

    private ChildProcessKafkaCluster(Path dataDir, int size, Map<String, String> overrides) {
        this.dataDir = dataDir;
        String clusterId = Uuid.randomUuid().toString();
        List<Integer> controllerPorts = new ArrayList<>();
        StringJoiner voters = new StringJoiner(",");
        for (int id = 1; id <= size; id++) {
            brokerPorts.add(EmbeddedKafka.freePort());
            controllerPorts.add(EmbeddedKafka.freePort());
            voters.add(id + "@127.0.0.1:" + controllerPorts.get(id - 1));
        }
        int replicas = Math.min(size, 3);
        String minIsr = String.valueOf(Math.max(1, replicas - 1));
        for (int id = 1; id <= size; id++) {
            Map<String, String> node = new HashMap<>();
            node.put("node.id", String.valueOf(id));
            node.put("controller.quorum.voters", voters.toString());
            node.put("offsets.topic.replication.factor", String.valueOf(replicas));
            node.put("transaction.state.log.replication.factor", String.valueOf(replicas));
            node.put("transaction.state.log.min.isr", minIsr);
            node.put("default.replication.factor", String.valueOf(replicas));
            node.put("min.insync.replicas", minIsr);
            node.putAll(overrides);
            nodes.add(ChildProcessKafka.node(
                    dataDir.resolve("node-" + id),
                    brokerPorts.get(id - 1),
                    controllerPorts.get(id - 1),
                    clusterId,
                    node));
        }
    }

    /** Creates (does not start) a cluster of {@code size} nodes with data in a fresh temporary directory. */
    public static ChildProcessKafkaCluster create(int size, Map<String, String> brokerOverrides) {
        if (size < 1) {
            throw new IllegalArgumentException("a cluster needs at least one node but was " + size);
        }
        try {
            return new ChildProcessKafkaCluster(
                    Files.createTempDirectory("bridge-kafka-cluster-"), size, brokerOverrides);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Launches every node, then waits for all: a broker is ready only once its controller quorum has formed. */
    public synchronized ChildProcessKafkaCluster start() {
        nodes.forEach(ChildProcessKafka::launch);
        nodes.forEach(ChildProcessKafka::awaitReady);
        return this;
    }

    /** Starts one node (1-based id) again, e.g. after {@link #kill(int)}. */
    public synchronized void start(int nodeId) {
        node(nodeId).start();
    }

    /** SIGKILLs one node (1-based id): no shutdown hook, no flush. */
    public synchronized void kill(int nodeId) {
        node(nodeId).kill();
    }

    public synchronized boolean isRunning(int nodeId) {
        return node(nodeId).isRunning();
    }

    public synchronized long pid(int nodeId) {
        return node(nodeId).pid();
    }

    public int size() {
        return nodes.size();
    }

    /** The node id that leads a partition now, asked with {@code admin}. */
    public static int leaderOf(Admin admin, String topic, int partition) {
        try {
            TopicDescription d = admin.describeTopics(List.of(topic))
                    .allTopicNames()
                    .get(30, TimeUnit.SECONDS)
                    .get(topic);
            Node leader = d.partitions().get(partition).leader();
            return leader == null ? -1 : leader.id();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot describe " + topic, e);
        }
    }

    /** Every node's broker listener: a client finds the cluster through any of them that is up. */
    @Override
    public String bootstrapServers() {
        StringJoiner all = new StringJoiner(",");
        brokerPorts.forEach(p -> all.add("127.0.0.1:" + p));
        return all.toString();
    }

    private ChildProcessKafka node(int nodeId) {
        if (nodeId < 1 || nodeId > nodes.size()) {
            throw new IllegalArgumentException("no node " + nodeId + " in a cluster of " + nodes.size());
        }
        return nodes.get(nodeId - 1);
    }

    @Override
    public synchronized void close() {
        nodes.forEach(ChildProcessKafka::close);
        Dirs.deleteRecursively(dataDir);
    }
}
