package io.batchbridge.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import io.batchbridge.cli.check.DeliveryCheck;
import io.batchbridge.common.json.Json;
import io.batchbridge.common.kafka.CommittedReader;
import io.batchbridge.common.kafka.KafkaClientDefaults;
import io.batchbridge.common.records.Coordinates;
import io.batchbridge.common.records.DeadLetters;
import io.batchbridge.common.records.Headers;
import io.batchbridge.common.topics.TopicNames;
import io.batchbridge.common.topics.TopicProvisioner;
import io.batchbridge.kafka.embedded.ChildProcessKafka;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The chaos run: broker (child JVM), emulator, submitter and worker each in their own JVM; requests
 * published while the roles are SIGKILLed and restarted, the broker is killed and restarted, and the
 * API fails a fifth of its calls. At the end a {@code read_committed} check of the output and
 * dead-letter topics proves every request has exactly one terminal outcome.
 */
public final class ChaosRun {
    private static final Logger log = LoggerFactory.getLogger(ChaosRun.class);
    static final int MAX_ATTEMPTS = 3;

    /** The verdict and what was done to earn it. */
    public record Result(
            DeliveryCheck.Verdict verdict,
            int kills,
            int brokerRestarts,
            int selfRestarts,
            long apiFaults,
            double seconds,
            int retriesOverLimit,
            int deadLettersWithoutReason,
            long seed) {

        public boolean passed() {
            return verdict.clean() && retriesOverLimit == 0 && deadLettersWithoutReason == 0;
        }

        public String line() {
            return DeliveryCheck.line(
                    "chaos",
                    verdict,
                    List.of(
                            "kills=" + kills,
                            "broker_restarts=" + brokerRestarts,
                            "self_restarts=" + selfRestarts,
                            "api_faults=" + apiFaults,
                            String.format("duration_s=%.0f", seconds),
                            "seed=" + seed));
        }
    }

    private ChaosRun() {}

    public static void main(String[] args) throws Exception {
        Result r = run(ChaosSettings.fromSystemProperties(), Files.createTempDirectory("bridge-chaos-"));
        System.out.println(r.line());
        System.exit(r.passed() ? 0 : 1);
    }

    public static Result run(ChaosSettings s, Path workDir) throws Exception {
        long t0 = System.nanoTime();
        Random random = new Random(s.seed());
        log.info(
                "chaos run: requests={} kills/role={} broker_restarts={} seed={} (logs in {})",
                s.requests(),
                s.killsPerRole(),
                s.brokerRestarts(),
                s.seed(),
                workDir);
        TopicNames topics = TopicNames.defaults();
        try (ChildProcessKafka broker = ChildProcessKafka.create(Map.of()).start()) {
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
                TopicProvisioner provisioner = new TopicProvisioner(admin);
                provisioner.provision(topics.specs(3, provisioner.replicationFactor()), false);
            }
            int apiPort = freePort();
            String apiUrl = "http://127.0.0.1:" + apiPort;
            Map<String, String> env = Map.of("ANTHROPIC_API_KEY", "chaos-key", "ANTHROPIC_BASE_URL", apiUrl);
            try (JavaProcess emulator = JavaProcess.emulator(
                            apiPort, workDir, "--seed", String.valueOf(s.seed()), "--faults", s.faults());
                    JavaProcess submitter = role("submitter", broker.bootstrapServers(), env, workDir);
                    JavaProcess worker = role("worker", broker.bootstrapServers(), env, workDir)) {
                emulator.start();
                awaitHttp(apiUrl + "/_emulator/faults");
                submitter.start();
                worker.start();
                List<Coordinates> published = new CopyOnWriteArrayList<>();
                Thread publisher = new Thread(
                        () -> publish(broker.bootstrapServers(), topics, s, random, published), "chaos-publisher");
                publisher.start();
                Supervisor supervisor = new Supervisor(List.of(submitter, worker));
                supervisor.start();
                int[] done = Havoc.run(s, random, broker, submitter, worker);
                publisher.join();
                DeliveryCheck.Verdict v = await(broker.bootstrapServers(), topics, published, s.timeout());
                long faults = apiFaults(apiUrl);
                supervisor.interrupt();
                submitter.stop();
                worker.stop();
                return new Result(
                        v,
                        done[0],
                        done[1],
                        supervisor.restarts(),
                        faults,
                        (System.nanoTime() - t0) / 1e9,
                        retriesOverLimit(broker.bootstrapServers(), topics),
                        v.deadLettersByReason().getOrDefault("null", 0),
                        s.seed());
            }
        }
    }

    private static JavaProcess role(String role, String bootstrap, Map<String, String> env, Path dir) {
        List<String> args = new ArrayList<>(List.of(role, "--bootstrap-servers", bootstrap));
        for (String kv : List.of(
                "bridge." + role + ".instance.id=chaos",
                "bridge.submitter.linger.ms=500",
                "bridge.submitter.create.backoff.ms=500",
                "bridge.worker.poll.initial.ms=500",
                "bridge.worker.poll.max.ms=2000",
                "bridge.worker.retry.backoff.initial.ms=300",
                "bridge.worker.retry.backoff.max.ms=1000",
                "bridge.api.retry.initial.backoff.ms=100",
                "bridge.api.retry.max.backoff.ms=1000")) {
            // No consumer timeout is tuned: the roles run with the group settings a user gets (static membership,
            // Kafka's default timeouts), and a killed role restarted under its instance id takes its partitions
            // back at once.
            if (kv.startsWith("bridge." + role) || kv.startsWith("bridge.api") || kv.startsWith("kafka.")) {
                args.add("--set");
                args.add(kv);
            }
        }
        return new JavaProcess(role, "io.batchbridge.cli.BridgeMain", args, env, dir, "768m");
    }

    private static void publish(
            String bootstrap, TopicNames topics, ChaosSettings s, Random random, List<Coordinates> published) {
        List<String> requests = ChaosRequests.generate(s.requests(), new Random(random.nextLong()));
        int chunk = Math.max(10, s.requests() / 20);
        try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(KafkaClientDefaults.producer(bootstrap))) {
            for (int i = 0; i < requests.size(); i += chunk) {
                List<java.util.concurrent.Future<RecordMetadata>> sent = new ArrayList<>();
                for (String r : requests.subList(i, Math.min(requests.size(), i + chunk))) {
                    sent.add(
                            p.send(new ProducerRecord<>(topics.requests().get(0), r.getBytes(StandardCharsets.UTF_8))));
                }
                for (java.util.concurrent.Future<RecordMetadata> f : sent) {
                    RecordMetadata m = f.get(120, TimeUnit.SECONDS); // rides out a broker restart
                    published.add(new Coordinates(m.topic(), m.partition(), m.offset()));
                }
                TimeUnit.MILLISECONDS.sleep(500);
            }
        } catch (Exception e) {
            throw new IllegalStateException("publishing chaos requests failed", e);
        }
    }

    private static DeliveryCheck.Verdict await(
            String bootstrap, TopicNames topics, List<Coordinates> published, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        DeliveryCheck.Verdict v = check(bootstrap, topics, published);
        while (!v.complete() && System.nanoTime() < deadline) {
            TimeUnit.SECONDS.sleep(2);
            v = check(bootstrap, topics, published);
        }
        // Settle: anything still in flight that would double a result shows up now.
        TimeUnit.SECONDS.sleep(5);
        return check(bootstrap, topics, published);
    }

    private static DeliveryCheck.Verdict check(String bootstrap, TopicNames topics, List<Coordinates> published) {
        for (int attempt = 1; ; attempt++) {
            try {
                return DeliveryCheck.check(bootstrap, topics, List.copyOf(published), List.of(topics.results()));
            } catch (RuntimeException e) {
                if (attempt >= 5) {
                    throw e;
                }
                log.warn("delivery check failed ({}); trying again", e.toString());
            }
        }
    }

    private static int retriesOverLimit(String bootstrap, TopicNames topics) {
        return (int) CommittedReader.readAll(bootstrap, topics.retry()).stream()
                .map(r -> DeadLetters.header(r.headers(), Headers.ATTEMPT))
                .filter(a -> a == null || Integer.parseInt(a) > MAX_ATTEMPTS)
                .count();
    }

    private static long apiFaults(String apiUrl) {
        try {
            HttpResponse<String> r = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create(apiUrl + "/_emulator/faults"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            JsonNode n = Json.MAPPER.readTree(r.body());
            return n.path("injected").asLong(-1);
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    static void awaitHttp(String url) throws InterruptedException {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            try {
                http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.discarding());
                return;
            } catch (IOException e) {
                TimeUnit.MILLISECONDS.sleep(200); // the emulator JVM is still starting
            }
        }
        throw new IllegalStateException("the emulator did not answer at " + url);
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
