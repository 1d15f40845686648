package io.batchbridge.cli.demo;

import ch.qos.logback.classic.Level;
import io.batchbridge.cli.check.DeliveryCheck;
import io.batchbridge.common.kafka.KafkaClientDefaults;
import io.batchbridge.common.records.Coordinates;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code bridge demo}: the product on its embedded defaults. Publishes a demo set, shows live progress,
 * then proves delivery by reading the output and dead-letter topics back as a {@code read_committed}
 * consumer. Exits 0 only when nothing was lost or doubled.
 */
@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        description =
                "Run Kafka, the API emulator, the submitter and the worker in this process and push a demo set through.")
public final class DemoCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(
            names = "--requests",
            defaultValue = "200",
            description = "Requests in the demo set (default: ${DEFAULT-VALUE}).")
    int requests;

    @Option(
            names = "--seed",
            defaultValue = "42",
            description = "Seed of the demo set and the emulator (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(
            names = "--time-scale",
            defaultValue = "7200",
            description =
                    "Emulator seconds per real second; 7200 makes the 24 h expiry pass in 12 s (default: ${DEFAULT-VALUE}).")
    double timeScale;

    @Option(
            names = "--timeout",
            defaultValue = "PT3M",
            description = "Give up after this long (ISO-8601, default: ${DEFAULT-VALUE}).")
    Duration timeout;

    @Option(
            names = "--keep-running",
            description = "Keep everything up after the summary, for exploring with other commands.")
    boolean keepRunning;

    @Option(names = "--verbose", description = "Show the roles' INFO logs instead of the progress line.")
    boolean verbose;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        if (requests < 1) {
            throw new picocli.CommandLine.ParameterException(
                    spec.commandLine(), "--requests must be at least 1 but was " + requests);
        }
        quietLogs();
        long t0 = System.nanoTime();
        out.println("Starting Kafka (KRaft), the Message Batches API emulator, the submitter and the worker ...");
        out.flush();
        try (EmbeddedStack stack = new EmbeddedStack(timeScale, seed, Map.of())) {
            List<DemoRequests.DemoRequest> set = DemoRequests.generate(requests, seed);
            List<Coordinates> published = publish(stack, set);
            out.printf(
                    "Published %d requests to %s%n",
                    published.size(), stack.topics().requests().get(0));
            DeliveryCheck.Verdict v = awaitDelivery(stack, published, out);
            double seconds = (System.nanoTime() - t0) / 1e9;
            new DemoSummary(out).print(v, seconds);
            out.println(DeliveryCheck.line(
                    "demo finished",
                    v,
                    List.of(
                            String.format("cost_usd=%.4f", v.costUsd()),
                            String.format("saved_usd=%.4f", v.costUsd()))));
            out.flush();
            if (keepRunning) {
                keepRunning(stack, out);
            }
            return v.clean() ? 0 : 1;
        }
    }

    private List<Coordinates> publish(EmbeddedStack stack, List<DemoRequests.DemoRequest> set) throws Exception {
        String topic = stack.topics().requests().get(0);
        List<Coordinates> published = new ArrayList<>();
        try (KafkaProducer<byte[], byte[]> p =
                new KafkaProducer<>(KafkaClientDefaults.producer(stack.bootstrapServers()))) {
            List<java.util.concurrent.Future<RecordMetadata>> sent = new ArrayList<>();
            for (DemoRequests.DemoRequest r : set) {
                sent.add(p.send(new ProducerRecord<>(
                        topic,
                        r.customId().getBytes(StandardCharsets.UTF_8),
                        r.json().getBytes(StandardCharsets.UTF_8))));
            }
            for (java.util.concurrent.Future<RecordMetadata> f : sent) {
                RecordMetadata m = f.get();
                published.add(new Coordinates(m.topic(), m.partition(), m.offset()));
            }
        }
        return published;
    }

    private DeliveryCheck.Verdict awaitDelivery(EmbeddedStack stack, List<Coordinates> published, PrintWriter out)
            throws InterruptedException {
        ProgressLine progress = new ProgressLine(stack.submitterRegistry(), stack.workerRegistry(), published.size());
        boolean terminal = System.console() != null;
        long deadline = System.nanoTime() + timeout.toNanos();
        int tick = 0;
        List<String> outputs = List.of(stack.topics().results());
        DeliveryCheck.Verdict v = DeliveryCheck.check(stack.bootstrapServers(), stack.topics(), published, outputs);
        while (!v.complete() && System.nanoTime() < deadline) {
            if (!verbose && terminal) {
                out.print("\r" + progress.render()); // one line, updated in place
                out.flush();
            } else if (!verbose && tick % 5 == 0) {
                out.println(progress.render()); // not a terminal: a line every few seconds
                out.flush();
            }
            tick++;
            new CountDownLatch(1).await(1, java.util.concurrent.TimeUnit.SECONDS);
            v = DeliveryCheck.check(stack.bootstrapServers(), stack.topics(), published, outputs);
        }
        if (!verbose) {
            out.println((terminal ? "\r" : "") + progress.render());
        }
        return v;
    }

    private void keepRunning(EmbeddedStack stack, PrintWriter out) throws InterruptedException {
        out.println();
        out.println("Still running (Ctrl-C stops everything):");
        out.println("  bootstrap.servers = " + stack.bootstrapServers());
        out.println("  emulator          = " + stack.emulatorUrl());
        out.println("  submitter metrics = " + stack.submitterOps() + "/metrics (health: /health/live, /health/ready)");
        out.println("  worker metrics    = " + stack.workerOps() + "/metrics (health: /health/live, /health/ready)");
        out.println("  try: ./bridge tail --topic bridge.results --from-beginning --bootstrap-servers "
                + stack.bootstrapServers());
        out.flush();
        CountDownLatch forever = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(forever::countDown));
        forever.await();
    }

    private void quietLogs() {
        if (!verbose) {
            // The progress line replaces the logs; the broker's start-up warnings are noise here.
            ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger("io.batchbridge")).setLevel(Level.WARN);
            ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger("org.apache.kafka")).setLevel(Level.ERROR);
            ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger("kafka")).setLevel(Level.ERROR);
        }
    }
}
