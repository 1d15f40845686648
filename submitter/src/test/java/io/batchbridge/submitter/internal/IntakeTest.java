package io.batchbridge.submitter.internal;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.batchbridge.common.model.ModelCatalogue;
import io.batchbridge.common.records.Coordinates;
import io.batchbridge.common.records.DeadLetterReason;
import io.batchbridge.common.records.TicketItem;
import io.batchbridge.common.testing.ManualClock;
import io.batchbridge.common.validation.RequestValidator;
import io.batchbridge.common.validation.ValidationPolicy;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/**
 * Issue #19: the attempt limit is decided once, when a request enters, and carried with it: the submitter's own
 * for a request, the one its retry record carries for a retry.
 */
class IntakeTest {
    private static final String REQUESTS = "bridge.requests";
    private static final String RETRY = "bridge.retry";
    private static final Instant NOW = Instant.parse("2026-11-22T10:00:00Z");

    /** A submitter configured with {@code bridge.submitter.retry.max.attempts=2}. */
    private final Intake intake = new Intake(
            new RequestValidator(
                    ModelCatalogue.defaults(),
                    new ValidationPolicy(
                            true, Pattern.compile("bridge\\.results.*"), Set.of("default"), 1 << 20, 1024)),
            RETRY,
            2,
            Map.of(),
            "default",
            new SubmitterMetrics(new SimpleMeterRegistry()));

    private static String record(String customId, String productFields) {
        return "{\"custom_id\":\"" + customId + "\",\"params\":{\"model\":\"claude-opus-4-6\",\"max_tokens\":10,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}" + productFields + "}";
    }

    private static String retry(String customId, int attempt, String more) {
        return record(
                customId,
                ",\"attempt\":" + attempt + ",\"origin\":{\"topic\":\"" + REQUESTS
                        + "\",\"partition\":0,\"offset\":1},\"last_error\":\"overloaded_error: busy\"" + more);
    }

    private Intake.Decision decide(String topic, String value) {
        return intake.decide(new ConsumerRecord<>(topic, 0, 7L, null, value.getBytes(UTF_8)), NOW);
    }

    /** The ticket item an accepted record becomes. */
    private static TicketItem ticketItem(Intake.Decision d) {
        assertThat(d).isInstanceOf(Intake.Accept.class);
        LaneItem item = ((Intake.Accept) d).item();
        return TicketParts.item(item, List.of(REQUESTS, RETRY));
    }

    @Test
    void aRequestGetsThisSubmittersLimitWhateverItsProducerWrote() {
        assertThat(ticketItem(decide(REQUESTS, record("fresh", ""))).maxAttempts())
                .isEqualTo(2);

        TicketItem forged = ticketItem(decide(REQUESTS, record("forged", ",\"max_attempts\":50,\"attempt\":1")));
        assertThat(forged.maxAttempts()).isEqualTo(2);
        assertThat(forged.attempt()).isEqualTo(1);
    }

    @Test
    void aRetryRecordKeepsTheLimitItCarriesEvenAboveThisSubmittersOwn() {
        TicketItem item = ticketItem(decide(RETRY, retry("carried", 4, ",\"max_attempts\":5")));

        assertThat(item.attempt()).isEqualTo(4);
        assertThat(item.maxAttempts()).isEqualTo(5);
        assertThat(item.origin()).isEqualTo(new Coordinates(REQUESTS, 0, 1));
    }

    @Test
    void aRetryRecordBeyondTheLimitItCarriesIsDeadLetteredAsAttemptsExhausted() {
        Intake.Decision d = decide(RETRY, retry("over", 2, ",\"max_attempts\":1"));

        assertThat(d).isInstanceOf(Intake.Reject.class);
        Intake.Reject r = (Intake.Reject) d;
        assertThat(r.problem().reason()).isEqualTo(DeadLetterReason.ATTEMPTS_EXHAUSTED);
        assertThat(r.problem().message()).startsWith("attempt 2 exceeds the limit of 1;");
        assertThat(r.attempt()).isEqualTo(2);
        assertThat(r.customId()).isEqualTo("over");
    }

    @Test
    void aRetryRecordThatCarriesNoLimitGetsThisSubmittersOwn() {
        // written by a worker from before the limit was carried
        assertThat(ticketItem(decide(RETRY, retry("legacy", 2, ""))).maxAttempts())
                .isEqualTo(2);

        Intake.Decision d = decide(RETRY, retry("legacy-over", 3, ""));
        assertThat(d).isInstanceOf(Intake.Reject.class);
        assertThat(((Intake.Reject) d).problem().message()).startsWith("attempt 3 exceeds the limit of 2;");
    }

    @Test
    void aRetryRecordWithAnIllFormedLimitIsInvalid() {
        Intake.Decision d = decide(RETRY, retry("bad", 2, ",\"max_attempts\":0"));

        assertThat(d).isInstanceOf(Intake.Reject.class);
        assertThat(((Intake.Reject) d).problem().reason()).isEqualTo(DeadLetterReason.INVALID_FIELD);
    }

    // ---- what becomes of a record: its lane, its account, held or dead-lettered (issue #21) ----

    /** The wire names of the headers a retry record carries (common.records.Headers). */
    private static final String NOT_BEFORE = "bridge-not-before";

    private static final String ORIGIN_TOPIC = "bridge-origin-topic";

    private final ManualClock clock = ManualClock.at("2026-11-22T10:00:00Z");

    /** Two accounts; {@code bridge.fast} runs on {@code fast}; reply_to topics exist unless the directory says not. */
    private static Intake routed(ValidationPolicy.TopicDirectory topics, SimpleMeterRegistry registry) {
        return new Intake(
                new RequestValidator(
                        ModelCatalogue.defaults(),
                        new ValidationPolicy(
                                true,
                                Pattern.compile("bridge\\.results.*"),
                                Set.of("default", "fast"),
                                1 << 20,
                                1024,
                                ValidationPolicy.AccountChoice.ANY,
                                Map.of(),
                                false,
                                Set.of(),
                                topics)),
                RETRY,
                2,
                Map.of("bridge.fast", "fast"),
                "default",
                new SubmitterMetrics(registry));
    }

    private static ConsumerRecord<byte[], byte[]> consumed(String topic, long offset, String value, String... headers) {
        ConsumerRecord<byte[], byte[]> r = new ConsumerRecord<>(topic, 3, offset, null, value.getBytes(UTF_8));
        for (int i = 0; i < headers.length; i += 2) {
            r.headers().add(headers[i], headers[i + 1].getBytes(UTF_8));
        }
        return r;
    }

    @Test
    void anAcceptedRecordGoesToTheLaneOfItsTopicsAccountAndItsBetasWithItsCoordinatesAndRawValue() {
        Intake routed = routed(t -> true, new SimpleMeterRegistry());
        String value = record("c1", ",\"betas\":[\"interleaved-thinking-2025-05-14\"]");

        Intake.Decision fast = routed.decide(consumed("bridge.fast", 11, value), clock.instant());
        Intake.Decision other = routed.decide(consumed(REQUESTS, 12, record("c2", "")), clock.instant());

        assertThat(fast).isInstanceOfSatisfying(Intake.Accept.class, a -> {
            assertThat(a.lane())
                    .isEqualTo(new LaneKey("fast", new TreeSet<>(Set.of("interleaved-thinking-2025-05-14"))));
            assertThat(a.item().source()).isEqualTo(new Coordinates("bridge.fast", 3, 11));
            assertThat(a.item().raw()).isEqualTo(value.getBytes(UTF_8));
            assertThat(a.item().request().envelope().customId()).isEqualTo("c1");
        });
        assertThat(other)
                .as("a topic without an account of its own runs on the default one")
                .isInstanceOfSatisfying(
                        Intake.Accept.class,
                        a -> assertThat(a.lane()).isEqualTo(new LaneKey("default", new TreeSet<>())));
    }

    @Test
    void aRetryRunsOnTheAccountOfTheTopicItFirstCameFrom() {
        Intake routed = routed(t -> true, new SimpleMeterRegistry());

        Intake.Decision d =
                routed.decide(consumed(RETRY, 5, retry("again", 2, ""), ORIGIN_TOPIC, "bridge.fast"), clock.instant());

        assertThat(d).isInstanceOfSatisfying(Intake.Accept.class, a -> {
            assertThat(a.lane().account()).isEqualTo("fast");
            assertThat(a.item().source())
                    .as("its coordinates are the retry record's")
                    .isEqualTo(new Coordinates(RETRY, 3, 5));
        });
    }

    @Test
    void aRetryRecordIsHeldUntilItsNotBeforeAndTakenFromThatInstantOn() {
        Intake routed = routed(t -> true, new SimpleMeterRegistry());
        java.time.Instant due = clock.instant().plusSeconds(30);
        ConsumerRecord<byte[], byte[]> r = consumed(RETRY, 5, retry("later", 2, ""), NOT_BEFORE, due.toString());

        assertThat(routed.decide(r, clock.instant())).isEqualTo(new Intake.NotDue(due));
        clock.advance(java.time.Duration.ofSeconds(29));
        assertThat(routed.decide(r, clock.instant())).isEqualTo(new Intake.NotDue(due));
        clock.advance(java.time.Duration.ofSeconds(1));
        assertThat(routed.decide(r, clock.instant())).isInstanceOf(Intake.Accept.class);
    }

    @Test
    void aNotBeforeHeaderCountsOnlyOnTheRetryTopicAndAnUnreadableOneIsDueNow() {
        Intake routed = routed(t -> true, new SimpleMeterRegistry());
        String later = clock.instant().plusSeconds(60).toString();

        assertThat(routed.decide(consumed(REQUESTS, 1, record("r", ""), NOT_BEFORE, later), clock.instant()))
                .as("on a request topic")
                .isInstanceOf(Intake.Accept.class);
        assertThat(routed.decide(consumed(RETRY, 2, retry("r", 2, ""), NOT_BEFORE, "tomorrow"), clock.instant()))
                .isInstanceOf(Intake.Accept.class);
    }

    @Test
    void anInvalidRecordIsDeadLetteredAtItsCoordinatesWithItsRawValueAsAFirstAttempt() {
        Intake routed = routed(t -> true, new SimpleMeterRegistry());
        String value = "{\"custom_id\":\"broken\",\"params\":{\"model\":\"no-such-model\",\"max_tokens\":10,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}}";

        Intake.Decision d = routed.decide(consumed(REQUESTS, 8, value), clock.instant());

        assertThat(d).isInstanceOfSatisfying(Intake.Reject.class, r -> {
            assertThat(r.customId()).isEqualTo("broken");
            assertThat(r.source()).isEqualTo(new Coordinates(REQUESTS, 3, 8));
            assertThat(r.raw()).isEqualTo(value.getBytes(UTF_8));
            assertThat(r.attempt()).isEqualTo(1);
            assertThat(r.problem().reason()).isEqualTo(DeadLetterReason.UNKNOWN_MODEL);
        });
    }

    @Test
    void aReplyToTheClusterCannotLookUpHoldsThePartitionInsteadOfDeadLetteringIt() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        java.util.concurrent.atomic.AtomicBoolean reachable = new java.util.concurrent.atomic.AtomicBoolean();
        Intake routed = routed(
                t -> {
                    if (!reachable.get()) {
                        throw new ValidationPolicy.TopicDirectory.Unavailable("metadata timed out", null);
                    }
                    return true;
                },
                registry);
        ConsumerRecord<byte[], byte[]> r =
                consumed(REQUESTS, 4, record("answer-me", ",\"reply_to\":\"bridge.results.mine\""));

        assertThat(routed.decide(r, clock.instant()))
                .isEqualTo(new Intake.NotDue(clock.instant().plus(Intake.LOOKUP_RETRY)));
        assertThat(registry.get(io.batchbridge.common.metrics.BridgeMetric.SUBMITTER_LOOKUP_HOLDS.metricName())
                        .counter()
                        .count())
                .as("the hold is counted")
                .isEqualTo(1);

        clock.advance(Intake.LOOKUP_RETRY);
        reachable.set(true);
        assertThat(routed.decide(r, clock.instant())).isInstanceOf(Intake.Accept.class);
    }
}
