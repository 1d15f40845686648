package io.batchbridge.submitter.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.batchbridge.client.ApiAccount;
import io.batchbridge.client.BatchesClient;
import io.batchbridge.client.ClientSettings;
import io.batchbridge.client.CreateBody;
import io.batchbridge.client.MessageBatch;
import io.batchbridge.client.Secret;
import io.batchbridge.common.metrics.BridgeMetric;
import io.batchbridge.common.records.Coordinates;
import io.batchbridge.common.testing.ManualClock;
import io.batchbridge.emulator.Emulator;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The resolution of create intents left open ({@link IntentRecovery}) against the emulator, without a broker: the
 * intents and batches topics are {@link MockConsumer}s over in-memory records, the intents' tombstones go to a
 * {@link MockProducer}, and one {@link ManualClock} drives the recovery, the intent log and the emulator (whose
 * {@code created_at} is that clock), so the waits ({@link IntentRecovery#SETTLE}, {@link IntentRecovery#CONFIRM})
 * move the clock instead of sleeping.
 */
class IntentRecoveryTest {
    private static final String INTENTS = "bridge.intents";
    private static final String BATCHES = "bridge.batches";
    private static final String REQUESTS = "bridge.requests";
    private static final String ME = "submitter-a";
    private static final String OTHER = "submitter-b";
    private static final Duration FOREIGN_AGE = Duration.ofMinutes(15);

    private final ManualClock clock = new ManualClock(Instant.now().truncatedTo(ChronoUnit.MILLIS));
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final SubmitterMetrics metrics = new SubmitterMetrics(registry);
    private final Emulator emulator =
            Emulator.builder().timeScale(1).clock(clock).seed(3).build().start();
    private final BatchesClient dedicated = client(true);
    private final BatchesClient shared = client(false);
    private BatchesClient account = dedicated;
    private final OrphanBatches orphans = new OrphanBatches(a -> account, metrics, Duration.ofMinutes(10));
    private final MockProducer<byte[], byte[]> producer =
            new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());
    private final IntentLog intentLog = new IntentLog(producer, INTENTS, ME, clock, Duration.ofSeconds(5));
    private final Topics topics = new Topics();
    private final List<Duration> slept = new ArrayList<>();
    /** Runs while the recovery waits {@link IntentRecovery#CONFIRM} (between its first look and the confirm). */
    private Runnable duringConfirm = () -> {};

    private final IntentRecovery recovery = new IntentRecovery(
            topics::consumer,
            INTENTS,
            BATCHES,
            ME,
            a -> account,
            orphans,
            intentLog,
            metrics,
            clock,
            FOREIGN_AGE,
            d -> {
                slept.add(d);
                clock.advance(d);
                if (d.equals(IntentRecovery.CONFIRM)) {
                    duringConfirm.run();
                }
            });

    private long nextOffset;

    @AfterEach
    void tearDown() {
        orphans.close();
        intentLog.close();
        dedicated.close();
        shared.close();
        emulator.close();
    }

    // 1
    @Test
    void ownIntentWithOneCandidateAdoptsItAndCountsItOnlyWhenClaimed() {
        PendingBatch requests = BatchCreatorTest.batch(3);
        Intent i = open(new Intent(
                UUID.randomUUID().toString(),
                ME,
                requests.lane(),
                clock.instant(),
                3,
                List.of(REQUESTS),
                requests.items().stream().map(LaneItem::source).collect(Collectors.toSet())));
        clock.advance(Duration.ofMillis(300));
        MessageBatch b = create(3);
        clock.advance(IntentRecovery.SETTLE.plusSeconds(1));

        assertThat(recovery.recover()).isEqualTo(1);

        assertThat(slept).containsExactly(IntentRecovery.CONFIRM);
        assertThat(orphans.heldIds()).containsExactly(b.id());
        assertThat(orphans.heldIntentIds()).containsExactly(i.id());
        assertThat(orphanCount("adopted"))
                .as("counted when claimed, not when held")
                .isZero();
        assertThat(orphanCount("cancelled")).isZero();
        assertThat(tombstones())
                .as("closed by the claimed batch's ticket, not now")
                .isEmpty();
        assertThat(account.retrieve(b.id()).cancelInitiatedAt()).isNull();

        List<OrphanBatches.Claimed> claimed = orphans.claimWithin(requests);

        assertThat(claimed)
                .singleElement()
                .satisfies(c -> assertThat(c.orphan().batch().id()).isEqualTo(b.id()));
        assertThat(orphanCount("adopted")).isEqualTo(1);
        assertThat(orphans.heldIds()).isEmpty();
    }

    // 1, the wait at start
    @Test
    void aRestartRightAfterTheCrashWaitsUntilItsOwnIntentHasSettled() {
        Intent i = open(intent(ME, clock.instant(), 2));
        clock.advance(Duration.ofSeconds(3));
        MessageBatch b = create(2);

        assertThat(recovery.recover()).isEqualTo(1);

        assertThat(slept).containsExactly(Duration.ofSeconds(7), IntentRecovery.CONFIRM);
        assertThat(orphans.heldIds()).containsExactly(b.id());
        assertThat(orphans.heldIntentIds()).containsExactly(i.id());
    }

    // 2
    @Test
    void aCandidateTicketedBeforeTheConfirmIsLeftAloneAndTheIntentStaysOpen() {
        Intent i = open(intent(ME, clock.instant(), 2));
        MessageBatch b = create(2);
        clock.advance(IntentRecovery.SETTLE.plusSeconds(1));
        duringConfirm = () -> ticket(b.id()); // another instance's create reaching its ticket

        assertThat(recovery.recover()).isZero();

        assertThat(slept).containsExactly(IntentRecovery.CONFIRM);
        assertThat(orphans.heldIds()).isEmpty();
        assertThat(orphanCount("adopted") + orphanCount("cancelled") + orphanCount("reported"))
                .isZero();
        assertThat(cancelCalls()).isZero();
        assertThat(account.retrieve(b.id()).cancelInitiatedAt()).isNull();
        assertThat(tombstones()).isEmpty();
        assertThat(intentLog.watched(i.id()))
                .as("looked at again by the next pass")
                .isTrue();
    }

    // 3
    @Test
    void severalCandidatesAreAllCancelledOnceEachAndTheIntentIsClosed() {
        Intent i = open(intent(ME, clock.instant(), 2));
        MessageBatch b1 = create(2);
        MessageBatch b2 = create(2);
        clock.advance(IntentRecovery.SETTLE.plusSeconds(1));

        assertThat(recovery.recover()).isEqualTo(1);

        assertThat(account.retrieve(b1.id()).cancelInitiatedAt()).isNotNull();
        assertThat(account.retrieve(b2.id()).cancelInitiatedAt()).isNotNull();
        assertThat(orphanCount("cancelled")).isEqualTo(2);
        assertThat(cancelCalls()).isEqualTo(2);
        assertThat(orphanCount("adopted")).isZero();
        assertThat(orphans.heldIds()).isEmpty();
        assertThat(tombstones()).containsExactly(i.id());
    }

    // 4
    @Test
    void oneOrphanMatchingSeveralOpenIntentsIsCancelledAndCountedOnce() {
        Instant t0 = clock.instant();
        List<Intent> open = new ArrayList<>();
        for (int k = 0; k < 5; k++) {
            open.add(open(intent(OTHER, t0.plusSeconds(k), 2)));
        }
        MessageBatch b1 = create(2);
        MessageBatch b2 = create(2);
        clock.advance(FOREIGN_AGE.plusMinutes(1));

        assertThat(recovery.recover()).as("one intent takes both batches").isEqualTo(1);

        assertThat(orphanCount("cancelled")).isEqualTo(2);
        assertThat(cancelCalls())
                .as("each batch cancelled once, not once per intent")
                .isEqualTo(2);
        assertThat(account.retrieve(b1.id()).cancelInitiatedAt()).isNotNull();
        assertThat(account.retrieve(b2.id()).cancelInitiatedAt()).isNotNull();
        assertThat(tombstones()).hasSize(1);

        assertThat(recovery.sweep())
                .as("the others find no batch left and are closed")
                .isEqualTo(4);

        assertThat(orphanCount("cancelled")).isEqualTo(2);
        assertThat(cancelCalls()).isEqualTo(2);
        assertThat(tombstones())
                .containsExactlyInAnyOrderElementsOf(
                        open.stream().map(Intent::id).toList());
    }

    // 5
    @Test
    void aCandidateThatAlreadyEndedIsReportedNeverCancelled() {
        Intent i = open(intent(OTHER, clock.instant(), 2));
        MessageBatch ended = create(2, "1s");
        MessageBatch running = create(2, "1h");
        clock.advance(FOREIGN_AGE.plusMinutes(1));
        assertThat(account.retrieve(ended.id()).ended()).isTrue();

        assertThat(recovery.recover()).isEqualTo(1);

        assertThat(orphanCount("reported")).isEqualTo(1);
        assertThat(orphanCount("cancelled")).isEqualTo(1);
        assertThat(cancelCalls()).isEqualTo(1);
        assertThat(account.retrieve(ended.id()).cancelInitiatedAt()).isNull();
        assertThat(account.retrieve(running.id()).cancelInitiatedAt()).isNotNull();
        assertThat(tombstones()).containsExactly(i.id());
    }

    // 6
    @Test
    void onAnAccountNotDeclaredDedicatedCandidatesAreOnlyReported() {
        account = shared;
        Intent own = open(intent(ME, clock.instant(), 2));
        MessageBatch b = create(2);
        MessageBatch c1 = create(3);
        MessageBatch c2 = create(3);
        Intent foreign = open(intent(OTHER, clock.instant(), 3));
        clock.advance(FOREIGN_AGE.plusMinutes(1));

        assertThat(recovery.recover()).isEqualTo(2);

        assertThat(orphanCount("reported")).isEqualTo(3);
        assertThat(orphanCount("adopted") + orphanCount("cancelled")).isZero();
        assertThat(cancelCalls()).isZero();
        assertThat(orphans.heldIds()).isEmpty();
        for (MessageBatch m : List.of(b, c1, c2)) {
            assertThat(account.retrieve(m.id()).cancelInitiatedAt()).isNull();
        }
        assertThat(tombstones()).containsExactlyInAnyOrder(own.id(), foreign.id());
    }

    // 7
    @Test
    void anotherInstancesIntentIsLeftAloneUntilItIsOlderThanTheForeignAge() {
        Intent i = open(intent(OTHER, clock.instant(), 2));
        MessageBatch b = create(2);
        clock.advance(FOREIGN_AGE.minusMinutes(1));

        assertThat(recovery.recover()).isZero();
        assertThat(recovery.sweep()).isZero();

        assertThat(slept).isEmpty();
        assertThat(cancelCalls()).isZero();
        assertThat(account.retrieve(b.id()).cancelInitiatedAt()).isNull();
        assertThat(tombstones()).isEmpty();

        clock.advance(Duration.ofMinutes(2));

        assertThat(recovery.sweep()).isEqualTo(1);

        assertThat(account.retrieve(b.id()).cancelInitiatedAt()).isNotNull();
        assertThat(orphanCount("cancelled")).isEqualTo(1);
        assertThat(orphans.heldIds()).isEmpty();
        assertThat(tombstones()).containsExactly(i.id());
    }

    // 8
    @Test
    void anUnknownCreateOutcomeIsAdoptedOnceSettledNotBefore() {
        PendingBatch requests = BatchCreatorTest.batch(2);
        String id = intentLog.open(requests, List.of(REQUESTS));
        MessageBatch b = create(2);
        intentLog.outcomeUnknown(id);
        clock.advance(IntentRecovery.SETTLE.minusSeconds(5));

        assertThat(recovery.resolveUnknown()).isZero();

        assertThat(slept).isEmpty();
        assertThat(orphans.heldIds()).isEmpty();
        assertThat(intentLog.watched(id)).isTrue();

        clock.advance(Duration.ofSeconds(5));

        assertThat(recovery.resolveUnknown()).isEqualTo(1);

        assertThat(slept).containsExactly(IntentRecovery.CONFIRM);
        assertThat(orphans.heldIds()).containsExactly(b.id());
        assertThat(orphans.heldIntentIds()).containsExactly(id);
        assertThat(intentLog.watched(id)).isFalse();
        assertThat(recovery.resolveUnknown()).as("held: not resolved again").isZero();
        assertThat(orphans.claimWithin(requests)).hasSize(1);
        assertThat(orphanCount("adopted")).isEqualTo(1);
    }

    // 9
    @Test
    void anIntentWithoutACandidateStaysOpenUntilLateThenIsClosed() {
        Intent i = open(intent(ME, clock.instant(), 3));
        MessageBatch otherCount = create(2); // in the window, but not the intent's request count
        clock.advance(IntentRecovery.SETTLE.plusSeconds(1));

        assertThat(recovery.recover()).isZero();

        assertThat(slept).as("nothing found: no confirm wait").isEmpty();
        assertThat(tombstones()).isEmpty();
        assertThat(intentLog.watched(i.id())).isTrue();
        assertThat(recovery.sweep())
                .as("watched: left to the pass of unknown outcomes")
                .isZero();

        clock.advance(IntentRecovery.LATE);

        assertThat(recovery.resolveUnknown()).isEqualTo(1);

        assertThat(tombstones()).containsExactly(i.id());
        assertThat(intentLog.watched(i.id())).isFalse();
        assertThat(cancelCalls()).isZero();
        assertThat(account.retrieve(otherCount.id()).cancelInitiatedAt()).isNull();
        assertThat(orphans.heldIds()).isEmpty();
    }

    // 10
    @Test
    void aBatchThisProcessCreatedIsNeverACandidate() {
        Intent i = open(intent(ME, clock.instant(), 2));
        MessageBatch mine = create(2);
        intentLog.created(UUID.randomUUID().toString(), mine.id());
        clock.advance(IntentRecovery.LATE.plusSeconds(1));

        assertThat(recovery.recover()).isEqualTo(1);

        assertThat(slept).isEmpty();
        assertThat(orphans.heldIds()).isEmpty();
        assertThat(cancelCalls()).isZero();
        assertThat(account.retrieve(mine.id()).cancelInitiatedAt()).isNull();
        assertThat(tombstones()).as("nothing was created for it").containsExactly(i.id());
    }

    @Test
    void aBatchWithATicketIsNeverACandidate() {
        Intent i = open(intent(OTHER, clock.instant(), 2));
        MessageBatch ticketed = create(2);
        ticket(ticketed.id());
        clock.advance(FOREIGN_AGE.plusMinutes(1));

        assertThat(recovery.recover()).isEqualTo(1);

        assertThat(cancelCalls()).isZero();
        assertThat(account.retrieve(ticketed.id()).cancelInitiatedAt()).isNull();
        assertThat(tombstones()).containsExactly(i.id());
    }

    /**
     * Two of this instance's intents with the same request count (creates run in parallel) and one batch: the batch
     * is a candidate of both, so whose requests it holds is unknown — adopting it for either could ticket it for
     * requests it does not contain. It is cancelled instead, and both intents' requests are created anew.
     */
    @Test
    void aSingleCandidateOfSeveralOwnIntentsIsNotAdopted() {
        Intent a = open(intent(ME, clock.instant(), 2));
        Intent b = open(intent(ME, clock.instant().plusMillis(5), 2));
        MessageBatch batch = create(2);
        clock.advance(IntentRecovery.SETTLE.plusSeconds(1));

        recovery.recover();

        assertThat(orphans.heldIds()).isEmpty();
        assertThat(orphans.heldIntentIds()).isEmpty();
        assertThat(account.retrieve(batch.id()).cancelInitiatedAt()).isNotNull();
        assertThat(orphanCount("cancelled")).isEqualTo(1);
        assertThat(cancelCalls()).isEqualTo(1);
        assertThat(tombstones()).containsAnyOf(a.id(), b.id());
    }

    // ---- helpers

    private BatchesClient client(boolean isDedicated) {
        return new BatchesClient(
                new ApiAccount("default", URI.create(emulator.baseUrl()), Secret.of("k"), Optional.empty(), 100_000)
                        .withDedicated(isDedicated),
                ClientSettings.from(Map.of(
                        "bridge.api.max.retries", "1",
                        "bridge.api.retry.initial.backoff.ms", "10",
                        "bridge.api.retry.max.backoff.ms", "20",
                        "bridge.api.breaker.minimum.calls", "100")),
                registry,
                Clock.systemUTC());
    }

    private Intent intent(String instance, Instant at, int requestCount) {
        long first = nextOffset;
        nextOffset += requestCount;
        return new Intent(
                UUID.randomUUID().toString(),
                instance,
                new LaneKey("default", new TreeSet<>()),
                at,
                requestCount,
                List.of(REQUESTS),
                LongStream.range(first, first + requestCount)
                        .mapToObj(o -> new Coordinates(REQUESTS, 0, o))
                        .collect(Collectors.toSet()));
    }

    /** Writes {@code i} to the intents topic, as {@link IntentLog#open} does. */
    private Intent open(Intent i) {
        topics.add(INTENTS, i.id(), i.toJson());
        return i;
    }

    /** Writes a ticket for {@code batchId} to the batches topic (tickets are keyed by batch id). */
    private void ticket(String batchId) {
        topics.add(BATCHES, batchId, "{}".getBytes(StandardCharsets.UTF_8));
    }

    private MessageBatch create(int requests) {
        return create(requests, "1h");
    }

    /** A batch of {@code requests} requests at the emulator, each taking {@code duration} (simulated). */
    private MessageBatch create(int requests, String duration) {
        CreateBody.Builder body = CreateBody.inMemory();
        for (int k = 0; k < requests; k++) {
            String params = "{\"model\":\"claude-opus-4-6\",\"max_tokens\":10,\"messages\":[{\"role\":\"user\","
                    + "\"content\":\"hi\\n#emulate duration=" + duration + "\"}]}";
            body.addParsed("s0-p0-o" + k, params.getBytes(StandardCharsets.UTF_8));
        }
        return account.create(body.build(), List.of());
    }

    /** The ids of the intents closed (tombstoned) on the intents topic, in order. */
    private List<String> tombstones() {
        return producer.history().stream()
                .filter(r -> r.topic().equals(INTENTS) && r.value() == null)
                .map(r -> new String(r.key(), StandardCharsets.UTF_8))
                .toList();
    }

    private double orphanCount(String outcome) {
        return registry
                .find(BridgeMetric.SUBMITTER_ORPHAN_BATCHES.metricName())
                .tag("outcome", outcome)
                .counters()
                .stream()
                .mapToDouble(Counter::count)
                .sum();
    }

    private long cancelCalls() {
        return registry.find(BridgeMetric.API_CALLS.metricName()).tag("op", "cancel").timers().stream()
                .mapToLong(Timer::count)
                .sum();
    }

    /**
     * The two topics, one partition each, as records in memory, with what the intent log's producer sent (its
     * tombstones); each {@link #consumer} sees them as they are when it is made (the recovery makes one per read to
     * the end). Record timestamps are the test clock's.
     */
    private final class Topics {
        private final Map<String, List<ConsumerRecord<byte[], byte[]>>> records = new HashMap<>(Map.of(
                INTENTS, new ArrayList<>(),
                BATCHES, new ArrayList<>()));

        synchronized void add(String topic, String key, byte[] value) {
            List<ConsumerRecord<byte[], byte[]>> log = records.get(topic);
            byte[] k = key.getBytes(StandardCharsets.UTF_8);
            log.add(new ConsumerRecord<>(
                    topic,
                    0,
                    log.size(),
                    clock.millis(),
                    TimestampType.CREATE_TIME,
                    k.length,
                    value == null ? -1 : value.length,
                    k,
                    value,
                    new RecordHeaders(),
                    Optional.empty()));
        }

        /** How many of the producer's records (the intents' tombstones) are on the topics already. */
        private int produced;

        synchronized Consumer<byte[], byte[]> consumer() {
            List<ProducerRecord<byte[], byte[]>> history = producer.history();
            for (; produced < history.size(); produced++) {
                ProducerRecord<byte[], byte[]> r = history.get(produced);
                add(r.topic(), new String(r.key(), StandardCharsets.UTF_8), r.value());
            }
            Map<String, List<ConsumerRecord<byte[], byte[]>>> now = new HashMap<>();
            records.forEach((t, rs) -> now.put(t, List.copyOf(rs)));
            return new TopicsConsumer(now);
        }
    }

    /**
     * A {@link MockConsumer} over fixed records; answers {@code offsetsForTimes} (which MockConsumer does not
     * implement) from their timestamps.
     */
    private static final class TopicsConsumer extends MockConsumer<byte[], byte[]> {
        private final Map<String, List<ConsumerRecord<byte[], byte[]>>> records;

        TopicsConsumer(Map<String, List<ConsumerRecord<byte[], byte[]>>> records) {
            super("earliest");
            this.records = records;
            records.forEach((topic, rs) -> {
                TopicPartition tp = new TopicPartition(topic, 0);
                updatePartitions(topic, List.of(new PartitionInfo(topic, 0, null, null, null)));
                updateBeginningOffsets(Map.of(tp, 0L));
                updateEndOffsets(Map.of(tp, (long) rs.size()));
            });
        }

        @Override
        public synchronized void assign(Collection<TopicPartition> partitions) {
            super.assign(partitions);
            for (TopicPartition tp : partitions) {
                records.getOrDefault(tp.topic(), List.of()).stream()
                        .filter(r -> r.partition() == tp.partition())
                        .forEach(this::addRecord);
            }
        }

        @Override
        public synchronized Map<TopicPartition, OffsetAndTimestamp> offsetsForTimes(
                Map<TopicPartition, Long> timestampsToSearch) {
            Map<TopicPartition, OffsetAndTimestamp> out = new HashMap<>();
            timestampsToSearch.forEach((tp, ts) -> records.getOrDefault(tp.topic(), List.of()).stream()
                    .filter(r -> r.partition() == tp.partition() && r.timestamp() >= ts)
                    .findFirst()
                    .ifPresent(r -> out.put(tp, new OffsetAndTimestamp(r.offset(), r.timestamp()))));
            return out;
        }
    }
}
