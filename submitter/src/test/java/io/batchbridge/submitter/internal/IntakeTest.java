package io.batchbridge.submitter.internal;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.batchbridge.common.model.ModelCatalogue;
import io.batchbridge.common.records.Coordinates;
import io.batchbridge.common.records.DeadLetterReason;
import io.batchbridge.common.records.TicketItem;
import io.batchbridge.common.validation.RequestValidator;
import io.batchbridge.common.validation.ValidationPolicy;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
}
