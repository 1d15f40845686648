package io.batchbridge.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.batchbridge.client.MessageBatch;
import io.batchbridge.common.lifecycle.RoleState;
import io.batchbridge.common.records.BridgeHeaders;
import io.batchbridge.common.records.Coordinates;
import io.batchbridge.emulator.Emulator;
import io.batchbridge.kafka.embedded.ChildProcessKafka;
import io.batchbridge.kafka.embedded.KafkaCluster;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Issue #18: a fan-out {@code commitTransaction} that times out although its commit lands.
 *
 * <p>The scenario, with a real broker and a real timeout: the broker runs in its own JVM
 * ({@link ChildProcessKafka}); a batch of 40 requests is fanned out in transactions of 5 records
 * ({@code bridge.worker.txn.max.records}, a user setting); when the {@code EndTxn} request of the batch's second
 * transaction reaches the broker, the broker is {@code SIGSTOP}ped ({@link EndTxnFreezer}: the hook before the
 * commit arms it, the request itself triggers it). {@code commitTransaction} waits {@code max.block.ms}, then
 * throws {@link org.apache.kafka.common.errors.TimeoutException}; the broker is {@code SIGCONT}ed a few seconds
 * later, serves the {@code EndTxn} it holds, and the second transaction commits after all. The client then
 * requires the commit to be retried: until {@code commitTransaction} is called again, {@code abortTransaction},
 * {@code beginTransaction} and {@code send} throw {@link IllegalStateException} ("Cannot attempt operation
 * `beginTransaction` because the previous call to `commitTransaction` timed out and must be retried"; a
 * {@code send} refused so has already appended its record, which goes out in the next transaction); the retried
 * call returns at once once the commit has landed. A second batch is published after the thaw.
 *
 * <p>Expected: every request of both batches has exactly one terminal outcome (result, retry record or dead
 * letter) in a {@code read_committed} read, the worker is still {@code RUNNING}, and both tickets are committed.
 *
 * <p>What the worker did up to issue #18 (this test fails there): the fan-out catches the timeout as a
 * {@code KafkaException}, aborts quietly (the abort throws the {@code IllegalStateException} above, swallowed) and
 * resumes the batch later from its in-memory checkpoint, which still says "first transaction only". That fan-out
 * thread's producer is wedged from then on: each job it takes fails at {@code beginTransaction}, while the worker
 * reports {@code RUNNING}. When the resumed batch lands on the other fan-out thread (two by default), it sends
 * the second transaction's items again: duplicates, though that commit landed. When it lands on the wedged one,
 * it never finishes there. Observed on that code: the five items of the second transaction twice
 * ({@code NO_DUPLICATE_RESULTS}: four results and one retry record), and jobs failing on the wedged thread with
 * that {@code IllegalStateException} until the other thread took them.
 *
 * <p>Fault-injection settings, and why:
 *
 * <ul>
 *   <li>{@code kafka.producer.max.block.ms} = {@value #MAX_BLOCK_MS} ms instead of 60 s keeps the freeze, and so
 *       the test, short. The freeze must outlast it (so the commit times out) but stay under the producer's
 *       {@code request.timeout.ms} (30 s: the {@code EndTxn} held by the frozen broker is not sent again), under
 *       {@code transaction.timeout.ms} (60 s: the coordinator does not abort the transaction on thaw) and under
 *       the consumer's session timeout (45 s: the worker keeps its tickets). With the default 60 s no freeze fits.
 *   <li>{@code bridge.worker.fanout.retry.ms} is the product default (10 s; {@link Pipeline} shortens it), and the
 *       freeze is shorter than {@code max.block.ms} plus that delay, so no other transaction of the worker runs
 *       into the frozen broker: the commit is the only operation that times out.
 * </ul>
 *
 * No assertion depends on speed: the waits are fail-safes, and the freeze margins are seconds either side.
 */
class CommitTimeoutIT {
    private static final Logger log = LoggerFactory.getLogger(CommitTimeoutIT.class);
    private static final int MAX_BLOCK_MS = 5_000;
    private static final Duration FREEZE = Duration.ofMillis(MAX_BLOCK_MS + 5_000);
    /**
     * Longer than every commit attempt together (3 × {@code max.block.ms}): the outcome stays unknown, so the
     * worker fences (a new producer with the same transactional id) and re-reads the checkpoint. Still under the
     * request, transaction and session timeouts above.
     */
    private static final Duration FREEZE_PAST_RETRIES = Duration.ofMillis(3L * MAX_BLOCK_MS + 5_000);

    private static final Pattern FANOUT_THREAD = Pattern.compile("worker-fanout-(\\d+)");
    private static final int FIRST = 40;
    private static final int SECOND = 10;
    /** The tickets are at offsets 0 and 2 (each written in its own transaction, then its marker). */
    private static final long BOTH_TICKETS = 3;

    @Test
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    void aCommitThatTimesOutButLandsIsNeitherRepeatedNorLost() throws Exception {
        scenario(FREEZE, "commit_timeout");
    }

    /**
     * The broker stays frozen past every retry of the commit: the worker renews its producer (fencing the old one,
     * which settles its transaction once the broker thaws — here: committed) and resumes from the checkpoint it
     * re-reads from Kafka, not from the one in memory.
     */
    @Test
    @Timeout(value = 300, unit = TimeUnit.SECONDS)
    void aCommitWhoseOutcomeStaysUnknownIsFencedAndResumedFromTheCommittedCheckpoint() throws Exception {
        scenario(FREEZE_PAST_RETRIES, "outcome_unknown");
    }

    private void scenario(Duration freeze, String expectedOutcome) throws Exception {
        long t0 = System.nanoTime();
        try (EndTxnFreezer freezer = new EndTxnFreezer();
                ChildProcessKafka broker =
                        ChildProcessKafka.create(Map.of("advertised.listeners", freezer.advertisedListeners()))) {
            freezer.relayTo(broker);
            broker.start();
            KafkaCluster viaRelay = new KafkaCluster() {
                @Override
                public String bootstrapServers() {
                    return freezer.bootstrapServers();
                }

                @Override
                public void close() {}
            };
            try (Emulator emu =
                            Emulator.builder().timeScale(3600).seed(18).build().start();
                    Pipeline p = new Pipeline(viaRelay, emu, 1)) {
                run(p, broker, freezer, t0, freeze);
                assertThat(p.counter("bridge.worker.transactions", "outcome", expectedOutcome))
                        .as("transactions with outcome %s", expectedOutcome)
                        .isGreaterThanOrEqualTo(1);
            } finally {
                freezer.thawNow();
            }
        }
    }

    private void run(Pipeline p, ChildProcessKafka broker, EndTxnFreezer freezer, long t0, Duration freeze)
            throws Exception {
        List<Pipeline.Published> first = new ArrayList<>();
        for (int i = 0; i < FIRST; i++) {
            String outcome = i % 10 == 3
                    ? "errored:overloaded_error"
                    : i % 10 == 7 ? "errored:invalid_request_error" : "succeeded";
            first.add(p.publish("a-" + i, 1000, "#emulate output_tokens=20 outcome=" + outcome));
        }
        MessageBatch batch1 = p.submit(first, 1, List.of());

        Map<String, AtomicInteger> commits = new ConcurrentHashMap<>();
        String fanoutClient = "bridge-worker-" + p.instanceId + "-fanout-";
        WorkerApp worker = p.worker(
                Map.of(
                        WorkerConfig.TXN_MAX_RECORDS,
                        "5",
                        WorkerConfig.FANOUT_RETRY_MS,
                        "10000",
                        "kafka.producer.max.block.ms",
                        String.valueOf(MAX_BLOCK_MS)),
                (batchId, last) -> {
                    int n = commits.computeIfAbsent(batchId, id -> new AtomicInteger())
                            .incrementAndGet();
                    if (batchId.equals(batch1.id()) && n == 2 && !last) {
                        // this thread's producer is about to commit: freeze the broker on its EndTxn
                        Matcher m = FANOUT_THREAD.matcher(Thread.currentThread().getName());
                        freezer.arm(broker, m.matches() ? fanoutClient + m.group(1) : fanoutClient, freeze);
                    }
                });

        assertThat(freezer.awaitFrozen(Duration.ofSeconds(90)))
                .as("the second transaction of batch 1 reached the broker and froze it")
                .isTrue();
        assertThat(freezer.awaitThawed(freeze.plusSeconds(60))).isTrue();
        log.info(
                "scenario: froze on {} for {} (producer max.block.ms {} ms)",
                freezer.frozenClient(),
                freezer.frozenFor(),
                MAX_BLOCK_MS);

        List<Pipeline.Published> second = new ArrayList<>();
        for (int i = 0; i < SECOND; i++) {
            second.add(p.publish("b-" + i, 1000, "#emulate output_tokens=20 outcome=succeeded"));
        }
        MessageBatch batch2 = p.submit(second, 1, List.of());

        Set<String> expected1 = origins(first);
        Set<String> expected2 = origins(second);
        Set<String> expected = new HashSet<>(expected1);
        expected.addAll(expected2);
        // Fail-safe: done once every request has an outcome and both tickets are committed.
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        Outcomes out = Outcomes.read(p);
        while (!(out.origins().containsAll(expected) && p.committedTicketOffset() == BOTH_TICKETS)
                && System.nanoTime() < deadline) {
            Thread.sleep(1000);
            out = Outcomes.read(p);
        }
        Outcomes done = out;
        log.info(
                "outcomes after {} s: {} records, {} distinct requests; duplicates {}; committed ticket offset {}",
                TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - t0),
                done.count(),
                done.origins().size(),
                done.duplicates(),
                p.committedTicketOffset());

        assertThat(freezer.frozenClient()).startsWith("producer-" + fanoutClient);
        assertThat(freezer.frozenFor()).isGreaterThan(Duration.ofMillis(MAX_BLOCK_MS));
        SoftAssertions.assertSoftly(soft -> {
            soft.assertThat(done.duplicates())
                    .as("NO_DUPLICATE_RESULTS (topic/custom_id sent twice)")
                    .isEmpty();
            soft.assertThat(missing(expected1, done))
                    .as("EVERY_REQUEST_OF_BATCH_1_HAS_AN_OUTCOME (%s, frozen on its second commit)", batch1.id())
                    .isEmpty();
            soft.assertThat(missing(expected2, done))
                    .as("EVERY_REQUEST_OF_BATCH_2_HAS_AN_OUTCOME (%s, published after the thaw)", batch2.id())
                    .isEmpty();
            soft.assertThat(done.perTopic())
                    .as("outcomes per topic")
                    .isEqualTo(Map.of(
                            p.topics.results(), 32 + SECOND,
                            p.topics.retry(), 4,
                            p.topics.dlq(), 4));
            soft.assertThat(worker.state()).as("WORKER_STILL_RUNNING").isEqualTo(RoleState.RUNNING);
            soft.assertThat(p.committedTicketOffset())
                    .as("BOTH_TICKETS_COMMITTED")
                    .isEqualTo(BOTH_TICKETS);
        });
    }

    private static Set<String> origins(List<Pipeline.Published> reqs) {
        Set<String> s = new HashSet<>();
        reqs.forEach(r -> s.add(r.at().toString()));
        return s;
    }

    private static Set<String> missing(Set<String> expected, Outcomes out) {
        Set<String> m = new TreeSet<>(expected);
        m.removeAll(out.origins());
        return m;
    }

    /** Every committed outcome record of the results, retry and dead-letter topics. */
    private record Outcomes(Set<String> origins, List<String> duplicates, Map<String, Integer> perTopic, int count) {
        static Outcomes read(Pipeline p) {
            List<ConsumerRecord<byte[], byte[]>> all = new ArrayList<>();
            all.addAll(p.readAll(p.topics.results()));
            all.addAll(p.readAll(p.topics.retry()));
            all.addAll(p.readAll(p.topics.dlq()));
            Set<String> origins = new HashSet<>();
            List<String> duplicates = new ArrayList<>();
            Map<String, Integer> perTopic = new HashMap<>();
            for (ConsumerRecord<byte[], byte[]> r : all) {
                perTopic.merge(r.topic(), 1, Integer::sum);
                Coordinates origin = BridgeHeaders.origin(r.headers());
                if (!origins.add(String.valueOf(origin))) {
                    duplicates.add(r.topic() + "/" + new String(r.key(), StandardCharsets.UTF_8));
                }
            }
            return new Outcomes(origins, duplicates, perTopic, all.size());
        }
    }
}
