package io.batchbridge.submitter.internal;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.batchbridge.client.MessageBatch;
import io.batchbridge.common.records.Coordinates;
import io.batchbridge.common.records.PromptPrefix;
import io.batchbridge.common.records.RequestEnvelope;
import io.batchbridge.common.testing.ManualClock;
import io.batchbridge.common.validation.ValidRequest;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/** The primer policy: one request ahead with a 1-hour breakpoint, the rest held until it ends, bounded. */
class PrimerTest {
    private static final String PRIMED = "bridge.requests.primed";
    private static final String OTHER = "bridge.requests";
    private static final LaneKey LANE = new LaneKey("default", new TreeSet<>());
    private static final LaneKey OTHER_LANE = new LaneKey("other-account", new TreeSet<>());
    private static final String PARAMS = "{\"model\":\"m\",\"system\":[{\"type\":\"text\",\"text\":\"x\","
            + "\"cache_control\":{\"type\":\"ephemeral\"}}],\"messages\":[]}";
    private static final Duration CHECK = Duration.ofSeconds(30);
    private static final Duration MAX_WAIT = Duration.ofMinutes(20);

    private final ManualClock clock = ManualClock.at("2026-11-22T10:00:00Z");
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final SubmitterMetrics metrics = new SubmitterMetrics(registry);
    private final Lanes lanes = new Lanes(100, 1 << 20, Duration.ofSeconds(30), Lanes.Packing.PREFIX);
    private final AtomicBoolean ended = new AtomicBoolean();
    private final AtomicInteger asked = new AtomicInteger();
    private final Primer primer = new Primer(
            new Primer.Settings(Set.of(PRIMED), 3, MAX_WAIT, CHECK),
            (account, id) -> {
                asked.incrementAndGet();
                return ended.get();
            },
            Runnable::run,
            metrics);
    private final List<LaneItem> released = new ArrayList<>();
    private final List<PendingBatch> primers = new ArrayList<>();

    static LaneItem item(String topic, int partition, long offset, long prefix) {
        byte[] params = PARAMS.getBytes(UTF_8);
        int start = PARAMS.indexOf("{\"type\":\"ephemeral\"}");
        PromptPrefix p = prefix == 0
                ? PromptPrefix.NONE
                : new PromptPrefix(prefix, new int[] {start, start + "{\"type\":\"ephemeral\"}".length()});
        RequestEnvelope e =
                new RequestEnvelope("c-" + offset, params, null, List.of(), null, null, 1, null, null, null);
        ValidRequest v = new ValidRequest(e, "default", new TreeSet<>(), "m", 10, false, p);
        return new LaneItem(v, new Coordinates(topic, partition, offset), new byte[100]);
    }

    /** What the loop does with an accepted request. */
    private void accept(LaneItem item) {
        accept(LANE, item);
    }

    private void accept(LaneKey lane, LaneItem item) {
        if (primer.hold(lane, item)) {
            return;
        }
        lanes.add(lane, item, clock.instant());
        PendingBatch p = primer.prime(lanes, lane, item, clock.instant());
        if (p != null) {
            primers.add(p);
        }
    }

    private void tick(boolean overBuffer) {
        primer.tick(clock.instant(), overBuffer, (lane, item) -> released.add(item));
    }

    private static List<Long> offsets(List<LaneItem> items) {
        return items.stream().map(i -> i.source().offset()).toList();
    }

    private double count(String name, String reason) {
        var c = registry.find(name).tag("reason", reason).counter();
        return c == null ? 0 : c.count();
    }

    private PendingBatch primeThree() {
        for (long o = 0; o < 3; o++) {
            accept(item(PRIMED, 0, o, 7));
        }
        assertThat(primers).hasSize(1);
        return primers.get(0);
    }

    @Test
    void theThirdRequestOfANewPrefixSendsTheFirstAheadWithOneHourBreakpointsAndHoldsTheOthers() {
        accept(item(PRIMED, 0, 0, 7));
        accept(item(PRIMED, 0, 1, 7));
        assertThat(primers).as("two are too few to pay for a primer").isEmpty();

        accept(item(PRIMED, 0, 2, 7));

        assertThat(primers).singleElement().satisfies(b -> {
            assertThat(offsets(b.items())).containsExactly(0L);
            String params = new String(b.items().get(0).request().envelope().params(), UTF_8);
            assertThat(params)
                    .isEqualTo(PARAMS.replace("{\"type\":\"ephemeral\"}", "{\"type\":\"ephemeral\",\"ttl\":\"1h\"}"));
            assertThat(b.items().get(0).raw()).as("the record as consumed").hasSize(100);
        });
        assertThat(primer.heldRequests()).isEqualTo(2);
        assertThat(primer.heldBytes()).isEqualTo(200);
        assertThat(lanes.groupSize(LANE, 7)).isZero();
        assertThat(lanes.bufferedBytes()).isZero();
        assertThat(registry.find("bridge.submitter.primer.sent").counter().count())
                .isEqualTo(1);
        assertThat(registry.find("bridge.submitter.primer.held").gauge().value())
                .isEqualTo(2);

        accept(item(PRIMED, 0, 3, 7));
        accept(item(PRIMED, 0, 4, 0));
        accept(item(PRIMED, 1, 5, 8));
        accept(item(OTHER, 0, 6, 7));
        assertThat(primer.heldRequests())
                .as("a later request of the prefix joins the hold")
                .isEqualTo(3);
        assertThat(lanes.bufferedBytes())
                .as("no breakpoint, another prefix, another topic: straight into the lane")
                .isEqualTo(300);
    }

    @Test
    void theHeldRequestsAreReleasedInOrderOnceThePrimerBatchHasEndedAndThePrefixIsNotPrimedAgain() {
        PendingBatch p = primeThree();
        accept(item(PRIMED, 0, 3, 7));
        tick(false);
        assertThat(asked).as("not created yet: nothing to ask").hasValue(0);
        primer.created(p, batch("msgbatch_1"), clock.instant());

        clock.advance(CHECK.minusMillis(1));
        tick(false);
        assertThat(asked).hasValue(0);
        clock.advance(Duration.ofMillis(1));
        tick(false);
        assertThat(asked).hasValue(1);
        assertThat(released).isEmpty();
        ended.set(true);
        clock.advance(CHECK);
        tick(false);

        assertThat(offsets(released)).containsExactly(1L, 2L, 3L);
        assertThat(primer.heldRequests()).isZero();
        assertThat(primer.heldBytes()).isZero();
        assertThat(count("bridge.submitter.primer.released", "ended")).isEqualTo(3);
        for (long o = 10; o < 15; o++) {
            accept(item(PRIMED, 0, o, 7));
        }
        assertThat(primers).as("primed within the hour: not again").hasSize(1);
        assertThat(lanes.groupSize(LANE, 7)).isEqualTo(5);
    }

    @Test
    void aPrefixIsPrimedAgainAfterAnHour() {
        primeThree();
        primer.releaseAll((lane, item) -> {});
        lanes.due(clock.instant(), true);
        clock.advance(Primer.REMEMBER);

        for (long o = 10; o < 13; o++) {
            accept(item(PRIMED, 0, o, 7));
        }

        assertThat(primers).hasSize(2);
    }

    @Test
    void theHoldEndsAtMaxWaitWhenThePrimerNeverEnds() {
        PendingBatch p = primeThree();
        primer.created(p, batch("msgbatch_1"), clock.instant());

        clock.advance(MAX_WAIT.minusMillis(1));
        tick(false);
        assertThat(released).isEmpty();
        clock.advance(Duration.ofMillis(1));
        tick(false);

        assertThat(offsets(released)).containsExactly(1L, 2L);
        assertThat(count("bridge.submitter.primer.released", "max_wait")).isEqualTo(2);
    }

    @Test
    void overTheBufferBoundTheOldestHoldIsReleasedOnePerTick() {
        primeThree();
        for (long o = 20; o < 23; o++) {
            accept(item(PRIMED, 1, o, 9));
        }
        assertThat(primers).hasSize(2);

        tick(true);
        assertThat(offsets(released)).containsExactly(1L, 2L);
        tick(false);
        assertThat(offsets(released)).hasSize(2);
        tick(true);

        assertThat(offsets(released)).containsExactly(1L, 2L, 21L, 22L);
        assertThat(count("bridge.submitter.primer.released", "buffer")).isEqualTo(4);
    }

    @Test
    void aPrimerThatIsNotCreatedReleasesItsHoldAtOnce() {
        PendingBatch p = primeThree();

        primer.notCreated(p.with(p.items()));
        tick(false);

        assertThat(offsets(released)).containsExactly(1L, 2L);
        assertThat(count("bridge.submitter.primer.released", "failed")).isEqualTo(2);
    }

    @Test
    void revocationDropsHeldRequestsOfRevokedPartitionsAndAPrimerOfOneReleasesTheRest() {
        accept(item(PRIMED, 0, 0, 7));
        accept(item(PRIMED, 1, 1, 7));
        accept(item(PRIMED, 0, 2, 7));
        accept(item(PRIMED, 1, 3, 7));
        TopicPartition gone = new TopicPartition(PRIMED, 0);

        List<LaneItem> dropped = primer.removeIf(i -> i.partition().equals(gone), gone::equals);

        assertThat(offsets(dropped)).containsExactly(2L);
        assertThat(primer.heldRequests()).isEqualTo(2);
        assertThat(primer.heldBytes()).isEqualTo(200);
        tick(false);
        assertThat(offsets(released))
                .as("the primer (offset 0) will not be created here: the others go")
                .containsExactly(1L, 3L);
    }

    @Test
    void requestsWithoutABreakpointOrOnOtherTopicsAreNeverHeld() {
        for (long o = 0; o < 10; o++) {
            accept(item(PRIMED, 0, o, 0));
            accept(item(OTHER, 0, 100 + o, 7));
        }

        assertThat(primers).isEmpty();
        assertThat(primer.heldRequests()).isZero();
        assertThat(lanes.bufferedBytes()).isEqualTo(20 * 100);
    }

    @Test
    void requestsOfThePrefixFromOtherTopicsStayInTheLaneWhenItIsPrimed() {
        accept(item(OTHER, 0, 0, 7));
        accept(item(PRIMED, 0, 1, 7));
        accept(item(PRIMED, 0, 2, 7));
        accept(item(OTHER, 0, 3, 7));
        assertThat(primers).as("two of the primed topic: too few").isEmpty();

        accept(item(PRIMED, 0, 4, 7));

        assertThat(primers)
                .singleElement()
                .satisfies(b -> assertThat(offsets(b.items())).containsExactly(1L));
        assertThat(primer.heldRequests()).isEqualTo(2);
        assertThat(lanes.groupSize(LANE, 7)).isEqualTo(2);
        assertThat(lanes.due(clock.instant(), true))
                .singleElement()
                .satisfies(b -> assertThat(offsets(b.items())).containsExactly(0L, 3L));
    }

    @Test
    void watermarkReliefReleasesTheHoldHoldingTheRecord() {
        primeThree();

        assertThat(primer.releaseHolding(new TopicPartition(PRIMED, 0), 0, (l, i) -> released.add(i)))
                .as("the primer itself is not held")
                .isFalse();
        assertThat(primer.releaseHolding(new TopicPartition(PRIMED, 0), 2, (l, i) -> released.add(i)))
                .isTrue();
        assertThat(offsets(released)).containsExactly(1L, 2L);
    }

    @Test
    void aHoldInOneLaneDoesNotStopTheSamePrefixBeingPrimedInAnother() {
        PendingBatch first = primeThree();

        for (long o = 10; o < 13; o++) {
            accept(OTHER_LANE, item(PRIMED, 1, o, 7));
        }

        assertThat(primers)
                .as("a cache entry is per account: the other lane primes its own")
                .hasSize(2);
        PendingBatch second = primers.get(1);
        assertThat(second.lane()).isEqualTo(OTHER_LANE);
        assertThat(offsets(second.items())).containsExactly(10L);
        assertThat(primer.heldRequests()).isEqualTo(4);
        assertThat(lanes.groupSize(OTHER_LANE, 7)).isZero();

        primer.created(first, batch("msgbatch_1"), clock.instant());
        primer.notCreated(second);
        tick(false);
        assertThat(offsets(released))
                .as("each primer settles its own lane's hold only")
                .containsExactly(11L, 12L);
        accept(OTHER_LANE, item(PRIMED, 1, 13, 7));
        accept(item(PRIMED, 0, 3, 7));
        assertThat(primer.heldRequests())
                .as("the open hold takes its own lane's request, not the other's")
                .isEqualTo(3);
        assertThat(lanes.groupSize(OTHER_LANE, 7)).isEqualTo(1);
    }

    @Test
    void aPrefixPrimedInOneLaneIsStillPrimedInAnother() {
        primeThree();
        primer.releaseAll((lane, item) -> {});
        lanes.due(clock.instant(), true);

        for (long o = 10; o < 13; o++) {
            accept(OTHER_LANE, item(PRIMED, 1, o, 7));
        }
        assertThat(primers).as("remembered as primed in its lane only").hasSize(2);

        primer.releaseAll((lane, item) -> {});
        lanes.due(clock.instant(), true);
        for (long o = 20; o < 23; o++) {
            accept(item(PRIMED, 0, o, 7));
            accept(OTHER_LANE, item(PRIMED, 1, o + 10, 7));
        }
        assertThat(primers).as("and not again in either within the hour").hasSize(2);
    }

    private MessageBatch batch(String id) {
        Instant now = clock.instant();
        return new MessageBatch(
                id, MessageBatch.IN_PROGRESS, null, now, now.plus(Duration.ofDays(1)), null, null, null, null);
    }
}
