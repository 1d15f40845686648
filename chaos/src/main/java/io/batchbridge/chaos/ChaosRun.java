package io.batchbridge.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import io.batchbridge.cli.check.DeliveryCheck;
import io.batchbridge.common.json.Json;
import io.batchbridge.common.kafka.CommittedReader;
import io.batchbridge.common.kafka.KafkaClientDefaults;
import io.batchbridge.common.records.BridgeHeaders;
import io.batchbridge.common.records.Coordinates;
import io.batchbridge.common.topics.TopicNames;
import io.batchbridge.common.topics.TopicProvisioner;
import io.batchbridge.kafka.embedded.ChildProcessKafkaCluster;
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
 * The chaos run, in the topology of a production deployment: three Kafka brokers (topics replicated three times,
 * min ISR 2), the emulator, two submitters and three workers, every part in its own JVM, every role instance with
 * its own instance id and the consumer group settings a user gets (static membership, Kafka's default timeouts;
 * the harness tunes none). Requests are published while {@link Havoc} SIGKILLs role instances, freezes zombies
 * past the session timeout and thaws them, SIGKILLs the broker leading the busiest partitions, restarts brokers,
 * and rolls every role instance; the API fails a fifth of its calls. At the end a {@code read_committed} check of
 * the output and dead-letter topics proves every request has exactly one terminal outcome.
 */
public final class ChaosRun {
    private static final Logger log = LoggerFactory.getLogger(ChaosRun.class);
    static final int MAX_ATTEMPTS = 3;
    static final int PARTITIONS = 3;

    /** The verdict and what was done to earn it. */
    public record Result(
            DeliveryCheck.Verdict verdict,
            int kills,
            int brokerRestarts,
            int zombies,
            int zombiesExpelled,
            int zombiesRejoined,
            int zombiesStoppedFenced,
            int leaderKills,
            int leaderKillsWithProgress,
            int rollingRestarts,
            int readyTimeouts,
            int selfRestarts,
            long apiFaults,
            double seconds,
            int retriesOverLimit,
            int deadLettersWithoutReason,
            Orphans.Count orphans,
            long seed) {

        public boolean passed() {
            return verdict.clean()
                    && retriesOverLimit == 0
                    && deadLettersWithoutReason == 0
                    && leaderKillsWithProgress == leaderKills
                    && zombiesExpelled == zombies
                    && zombiesRejoined + zombiesStoppedFenced == zombies
                    && orphans.running() == 0;
        }

        public String line() {
            return DeliveryCheck.line(
                    "chaos",
                    verdict,
                    List.of(
                            "kills=" + kills,
                            "broker_restarts=" + brokerRestarts,
                            "zombies=" + zombies,
                            "zombies_rejoined=" + zombiesRejoined,
                            "leader_kills=" + leaderKills,
                            "rolling_restarts=" + rollingRestarts,
                            "self_restarts=" + selfRestarts,
                            "api_faults=" + apiFaults,
                            "orphans=" + orphans.running(),
                            "orphans_ended=" + orphans.ended(),
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
                "chaos run: requests={} brokers={} submitters={} workers={} kills/role={} broker_restarts={}"
                        + " zombies={} leader_kills={} rolling_restarts={} window={} seed={} (logs in {})",
                s.requests(),
                s.brokers(),
                s.submitters(),
                s.workers(),
                s.killsPerRole(),
                s.brokerRestarts(),
                s.zombies(),
                s.leaderKills(),
                s.rollingRestarts(),
                s.window(),
                s.seed(),
                workDir);
        TopicNames topics = TopicNames.defaults();
        try (ChildProcessKafkaCluster cluster =
                        ChildProcessKafkaCluster.create(s.brokers(), Map.of()).start();
                Admin admin = Admin.create(Map.of("bootstrap.servers", cluster.bootstrapServers()))) {
            TopicProvisioner provisioner = new TopicProvisioner(admin);
            provisioner.provision(topics.specs(PARTITIONS, provisioner.replicationFactor()), false);
            String bootstrap = cluster.bootstrapServers();
            int apiPort = freePort();
            String apiUrl = "http://127.0.0.1:" + apiPort;
            Map<String, String> env = Map.of("ANTHROPIC_API_KEY", "chaos-key", "ANTHROPIC_BASE_URL", apiUrl);
            List<RoleInstance> submitters = new ArrayList<>();
            List<RoleInstance> workers = new ArrayList<>();
            for (int i = 1; i <= s.submitters(); i++) {
                submitters.add(role("submitter", "s" + i, bootstrap, env, workDir));
            }
            for (int i = 1; i <= s.workers(); i++) {
                workers.add(role("worker", "w" + i, bootstrap, env, workDir));
            }
            List<RoleInstance> all = new ArrayList<>(submitters);
            all.addAll(workers);
            try (JavaProcess emulator = JavaProcess.emulator(
                            apiPort, workDir, "--seed", String.valueOf(s.seed()), "--faults", s.faults());
                    AutoCloseable roles = () -> all.forEach(i -> i.process.close())) {
                emulator.start();
                awaitHttp(apiUrl + "/_emulator/faults");
                all.forEach(i -> i.process.start());
                for (RoleInstance i : all) {
                    // a fail-safe: the faults may begin on a pipeline that is still starting
                    if (!i.awaitReady(Duration.ofMinutes(4))) {
                        log.warn("chaos: {} not ready 4 min after its start; the faults begin anyway", i);
                    }
                }
                log.info("chaos: every part is up after {} s", (System.nanoTime() - t0) / 1_000_000_000);
                List<Coordinates> published = new CopyOnWriteArrayList<>();
                Thread publisher =
                        new Thread(() -> publish(bootstrap, topics, s, random, published), "chaos-publisher");
                publisher.start();
                Supervisor supervisor =
                        new Supervisor(all.stream().map(i -> i.process).toList());
                supervisor.start();
                Havoc.Done done = new Havoc(s, apiUrl, random, cluster, admin, topics, submitters, workers).run();
                publisher.join();
                DeliveryCheck.Verdict v = await(bootstrap, topics, published, s.timeout());
                long faults = apiFaults(apiUrl);
                Orphans.Count orphans = Orphans.awaitNone(apiUrl, bootstrap, topics);
                supervisor.interrupt();
                supervisor.join();
                all.forEach(i -> i.process.stop());
                Files.write(workDir.resolve("faults.txt"), done.notes());
                if (!v.clean()) {
                    Forensics.write(bootstrap, topics, published, workDir.resolve("forensics.txt"));
                }
                return new Result(
                        v,
                        done.kills(),
                        done.brokerRestarts(),
                        done.zombies(),
                        done.zombiesExpelled(),
                        done.zombiesRejoined(),
                        done.zombiesStoppedFenced(),
                        done.leaderKills(),
                        done.leaderKillsWithProgress(),
                        done.rollingRestarts(),
                        done.readyTimeouts(),
                        supervisor.restarts(),
                        faults,
                        (System.nanoTime() - t0) / 1e9,
                        retriesOverLimit(bootstrap, topics),
                        v.deadLettersByReason().getOrDefault("null", 0),
                        orphans,
                        s.seed());
            }
        }
    }

    /**
     * A role instance with its own instance id and its own ops port on loopback (for {@code /health/ready}). No
     * consumer timeout is tuned: the roles run with the group settings a user gets (static membership, Kafka's
     * default timeouts), and a killed role restarted under its instance id takes its partitions back at once.
     */
    private static RoleInstance role(
            String role, String instanceId, String bootstrap, Map<String, String> env, Path dir) throws IOException {
        int opsPort = freePort();
        List<String> args = new ArrayList<>(List.of(role, "--bootstrap-servers", bootstrap));
        for (String kv : List.of(
                "bridge." + role + ".instance.id=" + instanceId,
                "bridge.http.host=127.0.0.1",
                "bridge.http.port=" + opsPort,
                "bridge.submitter.linger.ms=500",
                "bridge.submitter.create.backoff.ms=500",
                "bridge.worker.poll.initial.ms=500",
                "bridge.worker.poll.max.ms=2000",
                "bridge.worker.retry.backoff.initial.ms=300",
                "bridge.worker.retry.backoff.max.ms=1000",
                "bridge.api.retry.initial.backoff.ms=100",
                "bridge.api.retry.max.backoff.ms=1000",
                // a deployment fact, not a tuning: the emulator serves this deployment only, so batches a crash or
                // an unknown create outcome left without a ticket are cancelled or adopted (#19), not just reported
                "bridge.api.account.default.dedicated=true")) {
            if (kv.startsWith("bridge." + role) || kv.startsWith("bridge.api") || kv.startsWith("bridge.http")) {
                args.add("--set");
                args.add(kv);
            }
        }
        JavaProcess p =
                new JavaProcess(role + "-" + instanceId, "io.batchbridge.cli.BridgeMain", args, env, dir, "512m");
        return new RoleInstance(role, instanceId, opsPort, p);
    }

    /** Publishes the mix in 40 paced chunks over the first 70 % of the fault window, so faults meet work in flight. */
    private static void publish(
            String bootstrap, TopicNames topics, ChaosSettings s, Random random, List<Coordinates> published) {
        List<String> requests = ChaosRequests.generate(s.requests(), new Random(random.nextLong()));
        int chunks = 40;
        int chunk = Math.max(1, (requests.size() + chunks - 1) / chunks);
        long every = s.window().toMillis() * 7 / 10 / chunks;
        long start = System.nanoTime();
        try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(KafkaClientDefaults.producer(bootstrap))) {
            for (int i = 0, n = 0; i < requests.size(); i += chunk, n++) {
                long wait = n * every - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                if (wait > 0) {
                    TimeUnit.MILLISECONDS.sleep(wait);
                }
                List<java.util.concurrent.Future<RecordMetadata>> sent = new ArrayList<>();
                for (String r : requests.subList(i, Math.min(requests.size(), i + chunk))) {
                    sent.add(
                            p.send(new ProducerRecord<>(topics.requests().get(0), r.getBytes(StandardCharsets.UTF_8))));
                }
                for (java.util.concurrent.Future<RecordMetadata> f : sent) {
                    RecordMetadata m = f.get(300, TimeUnit.SECONDS); // rides out a broker kill
                    published.add(new Coordinates(m.topic(), m.partition(), m.offset()));
                }
            }
            log.info("chaos: published {} requests", published.size());
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
                .map(r -> BridgeHeaders.get(r.headers(), BridgeHeaders.ATTEMPT))
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
