package io.batchbridge.cli;

import io.batchbridge.kafka.embedded.EmbeddedKafka;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code bridge kafka}: the embedded single-node KRaft broker on its own, for development. */
@Command(
        name = "kafka",
        mixinStandardHelpOptions = true,
        description = "Run a real single-node Kafka broker (KRaft) from Apache Kafka's jars until Ctrl-C.")
final class KafkaCommand implements Callable<Integer> {

    @Option(names = "--port", description = "Broker port; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    int port = 9092;

    @Option(
            names = "--controller-port",
            description = "Controller port; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    int controllerPort = 9093;

    @Option(names = "--data-dir", description = "Keep data here across restarts (default: a temp dir deleted on exit).")
    Path dataDir;

    @Override
    public Integer call() throws InterruptedException {
        EmbeddedKafka.Builder builder = EmbeddedKafka.builder();
        if (port != 0 || controllerPort != 0) {
            builder.ports(port, controllerPort);
        }
        if (dataDir != null) {
            builder.dataDir(dataDir);
        }
        EmbeddedKafka kafka = builder.build();
        CountDownLatch stopped = new CountDownLatch(1);
        // No broker type in a lambda's parameters: picocli reads this class's methods (lambda bodies included)
        // to build the command tree, and the roles' class path has no broker (RolesClassPathTest).
        Runnable close = kafka::close;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            close.run();
            stopped.countDown();
        }));
        kafka.start();
        System.out.println("Kafka broker ready: bootstrap.servers=" + kafka.bootstrapServers() + " (Ctrl-C stops it)");
        stopped.await();
        return 0;
    }
}
