package io.batchbridge.common.topics;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the pipeline's topics idempotently with the configs the invariants need, and reports (and on
 * request fixes) existing topics whose configs break one, e.g. a request topic kept for one hour.
 */
public final class TopicProvisioner {
    /** Records up to this size pass every pipeline topic: 300k-token results, 1M-token requests. */
    public static final int LARGE_RECORD_BYTES = 8 * 1024 * 1024;

    private static final Logger log = LoggerFactory.getLogger(TopicProvisioner.class);
    /** How long a new topic may take to reach every broker's metadata. */
    private static final java.time.Duration PROPAGATION = java.time.Duration.ofSeconds(5);

    private final Admin admin;

    public TopicProvisioner(Admin admin) {
        this.admin = admin;
    }

    /**
     * Creates missing topics and checks existing ones.
     *
     * @param fix when true, existing topics that break a requirement are altered to meet it
     */
    public ProvisionReport provision(Collection<TopicSpec> specs, boolean fix) {
        try {
            Set<String> present = admin.listTopics().names().get();
            List<String> created = new ArrayList<>();
            List<String> existing = new ArrayList<>();
            List<NewTopic> toCreate = new ArrayList<>();
            for (TopicSpec spec : specs) {
                if (present.contains(spec.name())) {
                    existing.add(spec.name());
                } else {
                    toCreate.add(new NewTopic(spec.name(), spec.partitions(), spec.replicationFactor())
                            .configs(creationConfigs(spec)));
                }
            }
            for (NewTopic topic : toCreate) {
                try {
                    admin.createTopics(List.of(topic)).all().get();
                    created.add(topic.name());
                    log.info("created topic {} ({} partitions)", topic.name(), topic.numPartitions());
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw e;
                    }
                    existing.add(topic.name()); // created concurrently by another provisioner
                }
            }
            List<TopicSpec> toCheck =
                    specs.stream().filter(s -> existing.contains(s.name())).toList();
            List<ProvisionReport.Violation> violations = check(toCheck);
            List<ProvisionReport.Violation> fixed = fix && !violations.isEmpty() ? fix(violations) : List.of();
            violations.forEach(v -> log.warn("topic config problem: {}", v));
            return new ProvisionReport(List.copyOf(created), List.copyOf(existing), List.of(), violations, fixed);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while provisioning topics", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("provisioning topics failed: " + e.getCause(), e.getCause());
        }
    }

    /**
     * The replication factor for new topics on this cluster: 3 where it has three brokers or more (then
     * {@code min.insync.replicas} 2, so an {@code acks=all} write survives the loss of any one broker), else one
     * replica per broker.
     */
    public short replicationFactor() {
        try {
            int brokers = admin.describeCluster().nodes().get().size();
            return (short) Math.max(1, Math.min(3, brokers));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while describing the cluster", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("describing the cluster failed: " + e.getCause(), e.getCause());
        }
    }

    /** The role's configs, plus {@code min.insync.replicas} = replicas − 1 for three replicas or more. */
    static Map<String, String> creationConfigs(TopicSpec spec) {
        Map<String, String> configs = new HashMap<>(spec.role().creationConfigs());
        if (spec.replicationFactor() >= 3) {
            configs.putIfAbsent("min.insync.replicas", String.valueOf(spec.replicationFactor() - 1));
        }
        return configs;
    }

    /** Reports missing topics and config problems without creating or changing anything. */
    public ProvisionReport checkOnly(Collection<TopicSpec> specs) {
        try {
            Set<String> present = admin.listTopics().names().get();
            List<String> existing = new ArrayList<>();
            List<String> missing = new ArrayList<>();
            specs.forEach(s -> (present.contains(s.name()) ? existing : missing).add(s.name()));
            List<ProvisionReport.Violation> violations =
                    check(specs.stream().filter(s -> present.contains(s.name())).toList());
            return new ProvisionReport(List.of(), List.copyOf(existing), List.copyOf(missing), violations, List.of());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while checking topics", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("checking topics failed: " + e.getCause(), e.getCause());
        }
    }

    /** Checks existing topics without changing anything. */
    public List<ProvisionReport.Violation> check(Collection<TopicSpec> specs)
            throws ExecutionException, InterruptedException {
        if (specs.isEmpty()) {
            return List.of();
        }
        Map<ConfigResource, TopicSpec> byResource = new HashMap<>();
        for (TopicSpec spec : specs) {
            byResource.put(new ConfigResource(ConfigResource.Type.TOPIC, spec.name()), spec);
        }
        Map<ConfigResource, Config> configs = describeConfigs(byResource.keySet());
        List<ProvisionReport.Violation> violations = new ArrayList<>();
        for (TopicSpec spec : specs) {
            Config config = configs.get(new ConfigResource(ConfigResource.Type.TOPIC, spec.name()));
            for (TopicRequirement req : spec.role().requirements()) {
                ConfigEntry entry = config.get(req.key());
                String actual = entry == null ? null : entry.value();
                req.check(actual)
                        .ifPresent(problem -> violations.add(new ProvisionReport.Violation(
                                spec.name(), spec.role(), req.key(), actual, req.expected(), problem)));
            }
        }
        return List.copyOf(violations);
    }

    /**
     * The topics' configs. A topic created a moment ago can be listed before every broker's metadata has it, and
     * its configs then answer "unknown topic": that passes within moments, so it is asked again (up to 5 s).
     */
    private Map<ConfigResource, Config> describeConfigs(Collection<ConfigResource> resources)
            throws ExecutionException, InterruptedException {
        long deadline = System.nanoTime() + PROPAGATION.toNanos();
        while (true) {
            try {
                return admin.describeConfigs(resources).all().get();
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException) || System.nanoTime() > deadline) {
                    throw e;
                }
                TimeUnit.MILLISECONDS.sleep(100);
            }
        }
    }

    private List<ProvisionReport.Violation> fix(List<ProvisionReport.Violation> violations)
            throws ExecutionException, InterruptedException {
        Map<ConfigResource, Collection<AlterConfigOp>> ops = violations.stream()
                .collect(Collectors.groupingBy(
                        v -> new ConfigResource(ConfigResource.Type.TOPIC, v.topic()),
                        Collectors.mapping(
                                v -> new AlterConfigOp(
                                        new ConfigEntry(v.key(), fixedValue(v)), AlterConfigOp.OpType.SET),
                                Collectors.toCollection(ArrayList::new))));
        admin.incrementalAlterConfigs(ops).all().get();
        violations.forEach(v -> log.info("fixed topic {}: {} set to {}", v.topic(), v.key(), fixedValue(v)));
        return violations;
    }

    /** The value a fix sets: the role's creation value, which always meets the requirement. */
    private static String fixedValue(ProvisionReport.Violation v) {
        return v.role().creationConfigs().getOrDefault(v.key(), v.expected());
    }
}
