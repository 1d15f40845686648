package io.batchbridge.cli.ops;

import io.batchbridge.common.lifecycle.Threads;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;

/**
 * Whether the cluster answers, for {@code /health/ready}: a daemon thread asks for the cluster's nodes every
 * {@code every} (an Admin {@code describeCluster} with a short timeout) and keeps the last answer, so a probe
 * reads a boolean and never calls Kafka itself.
 */
public final class KafkaProbe implements AutoCloseable {
    private final Admin admin;
    private final Duration timeout;
    private final ScheduledExecutorService timer;
    private volatile boolean reachable;

    /** @param clientSettings the role's {@code kafka.*} settings without the prefix (bootstrap, security) */
    public KafkaProbe(Map<String, Object> clientSettings, Duration every, Duration timeout) {
        Map<String, Object> props = new HashMap<>(clientSettings);
        props.put(AdminClientConfig.CLIENT_ID_CONFIG, "bridge-readiness-probe");
        int ms = (int) timeout.toMillis();
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, ms);
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, ms);
        props.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 1000);
        this.admin = Admin.create(props);
        this.timeout = timeout;
        this.timer = Executors.newSingleThreadScheduledExecutor(Threads.daemon("ops-kafka-probe"));
        timer.scheduleWithFixedDelay(this::probe, 0, every.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** A probe with the defaults of a running role: every 5 s, 3 s timeout. */
    public static KafkaProbe of(Map<String, Object> clientSettings) {
        return new KafkaProbe(clientSettings, Duration.ofSeconds(5), Duration.ofSeconds(3));
    }

    /** The last answer: true when the cluster listed at least one node within the timeout. */
    public boolean reachable() {
        return reachable;
    }

    private void probe() {
        try {
            int nodes = admin.describeCluster(new DescribeClusterOptions().timeoutMs((int) timeout.toMillis()))
                    .nodes()
                    .get(timeout.toMillis() + 500, TimeUnit.MILLISECONDS)
                    .size();
            reachable = nodes > 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            reachable = false;
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
        admin.close(Duration.ofSeconds(2));
    }
}
