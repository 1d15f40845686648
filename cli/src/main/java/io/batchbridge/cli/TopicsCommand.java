package io.batchbridge.cli;

import io.batchbridge.common.topics.ProvisionReport;
import io.batchbridge.common.topics.TopicNames;
import io.batchbridge.common.topics.TopicProvisioner;
import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code bridge topics create|check}: provision or verify the pipeline's topics and their configs. */
@Command(
        name = "topics",
        mixinStandardHelpOptions = true,
        description = "Create the pipeline's topics (idempotent) or check existing ones against the invariants.")
final class TopicsCommand implements Callable<Integer> {
    enum Action {
        create,
        check
    }

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", description = "create | check")
    Action action;

    @Option(
            names = "--bootstrap-servers",
            defaultValue = "${env:KAFKA_BOOTSTRAP_SERVERS:-127.0.0.1:9092}",
            description = "Kafka cluster (default: $KAFKA_BOOTSTRAP_SERVERS or ${DEFAULT-VALUE}).")
    String bootstrapServers;

    @Option(
            names = "--prefix",
            defaultValue = TopicNames.DEFAULT_PREFIX,
            description = "Topic name prefix (default: ${DEFAULT-VALUE}).")
    String prefix;

    @Option(
            names = "--partitions",
            defaultValue = "6",
            description = "Partitions for new topics (default: ${DEFAULT-VALUE}).")
    int partitions;

    @Option(
            names = "--replication-factor",
            defaultValue = "0",
            description = "Replication factor for new topics; 0 (the default) means 3 where the cluster has three"
                    + " brokers or more (min.insync.replicas 2), else one per broker.")
    short replicationFactor;

    @Option(names = "--fix", description = "With create: raise configs of existing topics that break an invariant.")
    boolean fix;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        try (Admin admin = Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrapServers,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
                30_000))) {
            TopicProvisioner provisioner = new TopicProvisioner(admin);
            TopicNames names = TopicNames.withPrefix(prefix);
            short replicationFactor =
                    this.replicationFactor > 0 ? this.replicationFactor : provisioner.replicationFactor();
            ProvisionReport report;
            if (action == Action.create) {
                report = provisioner.provision(names.specs(partitions, replicationFactor), fix);
            } else {
                report = provisioner.checkOnly(names.specs(partitions, replicationFactor));
            }
            report.created().forEach(t -> out.println("created  " + t));
            report.existing().forEach(t -> out.println("exists   " + t));
            report.missing().forEach(t -> out.println("MISSING  " + t));
            report.violations().forEach(v -> out.println((report.fixed().contains(v) ? "fixed    " : "PROBLEM  ") + v));
            out.flush();
            return report.healthy() ? 0 : 1;
        }
    }
}
