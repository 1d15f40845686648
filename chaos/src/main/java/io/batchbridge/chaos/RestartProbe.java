package io.batchbridge.chaos;

import io.batchbridge.common.kafka.KafkaClientDefaults;
import io.batchbridge.common.records.BridgeHeaders;
import io.batchbridge.common.records.Coordinates;
import io.batchbridge.common.topics.TopicNames;
import io.batchbridge.common.topics.TopicProvisioner;
import io.batchbridge.kafka.embedded.ChildProcessKafka;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How long a SIGKILLed role takes, once restarted under its instance id, to deliver again — with the consumer
 * group settings a user gets (no session timeout tuned). A steady trickle of requests flows through broker,
 * emulator, submitter and worker, each in its own JVM; the submitter and the worker are SIGKILLed in turn and
 * started again at once; for each restart the probe waits for the first result of a request published after the
 * restart. The lanes linger 500 ms (a latency setting of the workload, not a timeout) so that a result follows
 * each request within a second or two in steady state.
 */
public final class RestartProbe {
    private static final Logger log = LoggerFactory.getLogger(RestartProbe.class);

    /** One restart: which role, and milliseconds from its restart to the next delivered result. */
    public record Sample(String role, long millis) {}

    private RestartProbe() {}

    public static List<Sample> run(int restarts, Path workDir) throws Exception {
        TopicNames topics = TopicNames.defaults();
        try (ChildProcessKafka broker = ChildProcessKafka.create(Map.of()).start()) {
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
                TopicProvisioner provisioner = new TopicProvisioner(admin);
                provisioner.provision(topics.specs(3, provisioner.replicationFactor()), false);
            }
            int apiPort = ChaosRun.freePort();
            String apiUrl = "http://127.0.0.1:" + apiPort;
            Map<String, String> env = Map.of("ANTHROPIC_API_KEY", "probe-key", "ANTHROPIC_BASE_URL", apiUrl);
            try (JavaProcess emulator = JavaProcess.emulator(apiPort, workDir, "--faults", "");
                    JavaProcess submitter = role("submitter", broker.bootstrapServers(), env, workDir);
                    JavaProcess worker = role("worker", broker.bootstrapServers(), env, workDir)) {
                emulator.start();
                ChaosRun.awaitHttp(apiUrl + "/_emulator/faults");
                submitter.start();
                worker.start();
                Map<Coordinates, Long> publishedAt = new ConcurrentHashMap<>();
                AtomicBoolean running = new AtomicBoolean(true);
                Thread publisher = new Thread(
                        () -> trickle(broker.bootstrapServers(), topics, publishedAt, running), "probe-publisher");
                publisher.start();
                try (KafkaConsumer<byte[], byte[]> results = resultsReader(broker.bootstrapServers(), topics)) {
                    awaitResultAfter(results, publishedAt, System.nanoTime(), Duration.ofSeconds(120));
                    List<Sample> samples = new ArrayList<>();
                    for (int i = 0; i < restarts; i++) {
                        JavaProcess p = i % 2 == 0 ? worker : submitter;
                        p.killAndRestart(0);
                        long restartedAt = System.nanoTime();
                        long millis = awaitResultAfter(results, publishedAt, restartedAt, Duration.ofSeconds(180));
                        samples.add(new Sample(p.name(), millis));
                        log.info("restart probe: {} restarted, next result after {} ms", p.name(), millis);
                        TimeUnit.SECONDS.sleep(2); // let it settle before the next kill
                    }
                    return samples;
                } finally {
                    running.set(false);
                    publisher.join();
                    submitter.stop();
                    worker.stop();
                }
            }
        }
    }

    /**
     * Reads results until one answers a request published after {@code after}; returns the milliseconds from
     * {@code after} to that moment, or -1 if none came within {@code timeout}.
     */
    private static long awaitResultAfter(
            KafkaConsumer<byte[], byte[]> results, Map<Coordinates, Long> publishedAt, long after, Duration timeout) {
        long deadline = after + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            for (ConsumerRecord<byte[], byte[]> r : results.poll(Duration.ofMillis(100))) {
                Long published = publishedAt.get(BridgeHeaders.origin(r.headers()));
                if (published != null && published >= after) {
                    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - after);
                }
            }
        }
        return -1;
    }

    private static void trickle(
            String bootstrap, TopicNames topics, Map<Coordinates, Long> publishedAt, AtomicBoolean running) {
        try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(KafkaClientDefaults.producer(bootstrap))) {
            for (int i = 0; running.get(); i++) {
                String r = "{\"custom_id\":\"probe-" + i + "\",\"params\":{\"model\":\"claude-haiku-4-5\","
                        + "\"max_tokens\":20,\"messages\":[{\"role\":\"user\",\"content\":\"hi #emulate"
                        + " output_tokens=5\"}]}}";
                long at = System.nanoTime();
                RecordMetadata m = p.send(
                                new ProducerRecord<>(topics.requests().get(0), r.getBytes(StandardCharsets.UTF_8)))
                        .get(60, TimeUnit.SECONDS);
                publishedAt.put(new Coordinates(m.topic(), m.partition(), m.offset()), at);
                TimeUnit.MILLISECONDS.sleep(100);
            }
        } catch (Exception e) {
            log.warn("restart probe: publisher stopped: {}", e.toString());
        }
    }

    private static KafkaConsumer<byte[], byte[]> resultsReader(String bootstrap, TopicNames topics) {
        Map<String, Object> c = KafkaClientDefaults.consumer(bootstrap, "unused");
        c.remove(ConsumerConfig.GROUP_ID_CONFIG);
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(c);
        List<TopicPartition> tps = consumer.partitionsFor(topics.results()).stream()
                .map(pi -> new TopicPartition(pi.topic(), pi.partition()))
                .toList();
        consumer.assign(tps);
        consumer.seekToBeginning(tps);
        return consumer;
    }

    private static JavaProcess role(String role, String bootstrap, Map<String, String> env, Path dir) {
        List<String> args = new ArrayList<>(List.of(role, "--bootstrap-servers", bootstrap));
        String kv = role.equals("submitter") ? "bridge.submitter.linger.ms=500" : "bridge.worker.poll.initial.ms=500";
        args.addAll(List.of("--set", kv, "--set", "bridge." + role + ".instance.id=probe"));
        // -Dprobe.static=false measures dynamic membership, for the before/after comparison
        args.addAll(List.of("--set", "bridge.group.static.membership=" + System.getProperty("probe.static", "true")));
        return new JavaProcess(role, "io.batchbridge.cli.BridgeMain", args, env, dir, "768m");
    }
}
