package io.batchbridge.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.batchbridge.kafka.embedded.KafkaCluster;
import io.batchbridge.kafka.embedded.KafkaClusterExtension;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import picocli.CommandLine;

@ExtendWith(KafkaClusterExtension.class)
@Timeout(120)
class TopicsCommandIT {

    @Test
    void checkFailsOnMissingTopicsThenPassesAfterCreate(KafkaCluster cluster) {
        String prefix = KafkaClusterExtension.uniqueTopic("cli") + ".";
        String[] common = {"--bootstrap-servers", cluster.bootstrapServers(), "--prefix", prefix, "--partitions", "1"};

        Run before = run("topics", "check", common);
        Run create = run("topics", "create", common);
        Run after = run("topics", "check", common);

        assertThat(before.exitCode).isEqualTo(1);
        assertThat(before.out).contains("MISSING  " + prefix + "requests");
        assertThat(create.exitCode).isZero();
        assertThat(create.out).contains("created  " + prefix + "dlq");
        assertThat(after.exitCode).isZero();
        assertThat(after.out).contains("exists   " + prefix + "checkpoints").doesNotContain("MISSING", "PROBLEM");
    }

    record Run(int exitCode, String out) {}

    static Run run(String cmd, String action, String... options) {
        StringWriter out = new StringWriter();
        CommandLine cl = BridgeMain.newCommandLine();
        cl.setOut(new PrintWriter(out));
        String[] args = new String[options.length + 2];
        args[0] = cmd;
        args[1] = action;
        System.arraycopy(options, 0, args, 2, options.length);
        int rc = cl.execute(args);
        return new Run(rc, out.toString());
    }
}
