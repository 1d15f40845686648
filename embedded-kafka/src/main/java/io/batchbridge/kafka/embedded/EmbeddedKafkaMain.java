package io.batchbridge.kafka.embedded;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * Entry point of the child-process broker ({@link ChildProcessKafka}). Arguments:
 * {@code <brokerPort> <controllerPort> <dataDir> <clusterId> [key=value ...]}.
 *
 * <p>Prints {@value #READY_MARKER} and the bootstrap servers once the broker accepts connections. A
 * watchdog thread reads standard input: when the parent dies its end of the pipe closes, the read returns
 * end-of-file and this process halts, so no orphan broker outlives a killed test JVM.
 */
public final class EmbeddedKafkaMain {
    static final String READY_MARKER = "BRIDGE-KAFKA-READY ";

    private EmbeddedKafkaMain() {}

    public static void main(String[] args) throws InterruptedException {
        if (args.length < 4) {
            System.err.println(
                    "usage: EmbeddedKafkaMain <brokerPort> <controllerPort> <dataDir> <clusterId> [k=v ...]");
            System.exit(2);
        }
        EmbeddedKafka.Builder builder = EmbeddedKafka.builder()
                .ports(Integer.parseInt(args[0]), Integer.parseInt(args[1]))
                .dataDir(Path.of(args[2]))
                .clusterId(args[3]);
        for (int i = 4; i < args.length; i++) {
            int eq = args[i].indexOf('=');
            if (eq <= 0) {
                System.err.println("broker override must be key=value but was " + args[i]);
                System.exit(2);
            }
            builder.brokerProperty(args[i].substring(0, eq), args[i].substring(eq + 1));
        }
        EmbeddedKafka kafka = builder.build();
        startWatchdog(System.in);
        kafka.start();
        System.out.println(READY_MARKER + kafka.bootstrapServers());
        System.out.flush();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            kafka.stop();
            stopped.countDown();
        }));
        stopped.await();
    }

    private static void startWatchdog(InputStream parentPipe) {
        Thread watchdog = new Thread(
                () -> {
                    try {
                        while (parentPipe.read() >= 0) {
                            // the parent never writes; any byte is ignored
                        }
                    } catch (IOException e) {
                        // a broken pipe means the parent is gone, like end-of-file
                    }
                    Runtime.getRuntime().halt(0);
                },
                "parent-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
    }
}
