package io.batchbridge.submitter;

import static io.batchbridge.submitter.SubmitterHarness.params;
import static io.batchbridge.submitter.SubmitterHarness.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.batchbridge.client.MessageBatch;
import io.batchbridge.common.lifecycle.RoleState;
import io.batchbridge.common.metrics.BridgeMetric;
import io.batchbridge.common.records.Ticket;
import io.batchbridge.emulator.Emulator;
import io.batchbridge.emulator.Endpoint;
import io.batchbridge.emulator.Fault;
import io.batchbridge.kafka.embedded.KafkaCluster;
import io.batchbridge.kafka.embedded.KafkaClusterExtension;
import io.batchbridge.submitter.internal.IntentRecovery;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Issue #19: the duplicate-batch window. The submitter is killed (in-process, as a crash: nothing drained or
 * committed) while its create is at the API, again and again; each restart under the same instance id finds the
 * create intent left open, recognises the batch created for it (right time window, request count, no ticket) and,
 * the account being dedicated, adopts it: the re-read request's lane cut claims the batch and writes its ticket
 * instead of creating it again. Before #19 every round left a batch running without a ticket (billed, never
 * delivered) and created the request again ({@code SubmitterIT}'s crash test asserted those two batches).
 */
@ExtendWith(KafkaClusterExtension.class)
@Timeout(300)
class CrashWindowIT {
    private static final int ROUNDS = 3;

    @Test
    void aCrashBetweenCreateAndTicketLeavesNoBatchRunningWithoutATicket(KafkaCluster cluster) {
        try (SubmitterHarness h =
                new SubmitterHarness(cluster, 1, Emulator.builder().timeScale(1), Map.of(), true)) {
            for (int round = 0; round < ROUNDS; round++) {
                h.emulator.faults().script(Endpoint.CREATE, Fault.slow(Duration.ofSeconds(2)));
                SubmitterApp app = h.start();
                if (round > 0) {
                    // this restart adopted the previous round's batch: its ticket is committed before the next crash
                    String previous = "survivor-" + (round - 1);
                    await().atMost(Duration.ofSeconds(90))
                            .until(() -> h.ticketedCustomIds().contains(previous));
                }
                String id = "survivor-" + round;
                h.publish(h.names.requests().get(0), "k", request(id, params("claude-opus-4-6", 10, "x"), ""));
                int before = round;
                await().atMost(Duration.ofSeconds(60))
                        .until(() -> h.emulator.faults().injectedCount() > before);
                app.abort(); // the create reaches the API; its ticket and offset are never committed
                int expected = round + 1;
                await().atMost(Duration.ofSeconds(30))
                        .until(() -> h.client.listAll().size() == expected);
            }
            h.start(); // the last restart adopts the last round's batch; earlier restarts adopted theirs

            await().atMost(Duration.ofSeconds(120))
                    .until(() -> h.ticketedCustomIds().size() >= ROUNDS);
            await().pollDelay(Duration.ofSeconds(2)).until(() -> true); // a second ticket would show up now

            List<String> ticketed = h.ticketedCustomIds();
            assertThat(ticketed)
                    .as("each request ticketed (delivered) exactly once")
                    .containsExactlyInAnyOrder("survivor-0", "survivor-1", "survivor-2");
            Set<String> ticketedBatches =
                    h.tickets().stream().map(Ticket::batchId).collect(Collectors.toSet());
            List<MessageBatch> atTheApi = h.client.listAll();
            List<MessageBatch> runningWithoutTicket = atTheApi.stream()
                    .filter(b -> !ticketedBatches.contains(b.id()))
                    .filter(b -> MessageBatch.IN_PROGRESS.equals(b.processingStatus()))
                    .toList();
            assertThat(runningWithoutTicket)
                    .as("no batch left running without a ticket")
                    .isEmpty();
            assertThat(atTheApi)
                    .as("no request bought twice: one batch per round")
                    .hasSize(ROUNDS);
            assertThat(counter(h, "adopted")).isEqualTo(ROUNDS);
            assertThat(counter(h, "cancelled")).isZero();
        }
    }

    /**
     * On an account not declared dedicated, another application's batch could match an intent: the batch found is
     * only reported (counted, named in the log), never touched.
     */
    @Test
    void onASharedAccountTheBatchFoundIsOnlyReported(KafkaCluster cluster) {
        try (SubmitterHarness h =
                new SubmitterHarness(cluster, 1, Emulator.builder().timeScale(1), Map.of(), false)) {
            h.emulator.faults().script(Endpoint.CREATE, Fault.slow(Duration.ofSeconds(2)));
            SubmitterApp app = h.start();
            h.publish(h.names.requests().get(0), "k", request("shared", params("claude-opus-4-6", 10, "x"), ""));
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> h.emulator.faults().injectedCount() >= 1);
            app.abort();
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> h.client.listAll().size() == 1);
            String first = h.client.listAll().get(0).id();

            h.start();
            await().atMost(Duration.ofSeconds(120))
                    .until(() -> h.ticketedCustomIds().size() == 1);

            assertThat(h.ticketedCustomIds()).containsExactly("shared");
            await().atMost(Duration.ofSeconds(30)).until(() -> counter(h, "reported") == 1);
            assertThat(h.client.retrieve(first).cancelInitiatedAt())
                    .as("not cancelled: it may not be ours")
                    .isNull();
            assertThat(h.client.listAll()).hasSize(2);
            assertThat(counter(h, "cancelled") + counter(h, "adopted")).isZero();
        }
    }

    /**
     * A create the API accepted whose answer was lost (the connection cut mid-response) has an unknown outcome.
     * Before, the running submitter created the requests again at once, and the first batch ran to its end without
     * a ticket, billed and never delivered. Now the retry of that batch is held back while the running process
     * resolves its intent: the batch found for it is adopted, and the retry claims it instead of creating it again
     * — the API sees the batch once.
     */
    @Test
    void aCreateWhoseOutcomeWasUnknownIsAdoptedByItsRetryWhileTheProcessRuns(KafkaCluster cluster) {
        try (SubmitterHarness h = new SubmitterHarness(cluster, 1, Emulator.builder(), Map.of(), true)) {
            h.emulator.faults().script(Endpoint.CREATE, Fault.dropMidStream(10));
            SubmitterApp app = h.start();
            h.publish(
                    h.names.requests().get(0),
                    "k",
                    request("once", params("claude-opus-4-6", 10, "#emulate duration=1h"), ""));
            await().atMost(Duration.ofSeconds(30)).until(() -> failures(h, "outcome_unknown") == 1);
            assertThat(h.client.listAll())
                    .as("the API accepted the create whose answer was cut")
                    .hasSize(1);
            String lost = h.client.listAll().get(0).id();

            await().atMost(IntentRecovery.ADOPT_WITHIN.plusSeconds(90))
                    .until(() -> h.ticketedCustomIds().contains("once"));

            assertThat(h.tickets())
                    .singleElement()
                    .satisfies(t -> assertThat(t.batchId()).isEqualTo(lost));
            assertThat(counter(h, "adopted")).isEqualTo(1);
            assertThat(counter(h, "cancelled")).isZero();
            assertThat(h.client.retrieve(lost).cancelInitiatedAt()).isNull();
            await().pollDelay(Duration.ofSeconds(2)).until(() -> true); // a second create would show up now
            assertThat(h.client.listAll())
                    .as("the request was never created a second time")
                    .hasSize(1);
            assertThat(h.ticketedCustomIds()).containsExactly("once");
            assertThat(app.state()).isEqualTo(RoleState.RUNNING);
        }
    }

    /**
     * An instance that crashed in the window and never came back (a scale-down): its intent is another instance's
     * to resolve once it is 15 minutes old. The batch found for it is cancelled — its requests belong to whoever
     * reads them now, who creates them anew. (This instance's clock runs 16 minutes ahead, so the intent is old.)
     */
    @Test
    void anotherInstancesIntentLeftOpenIsResolvedOnceItIsOldAndItsBatchCancelled(KafkaCluster cluster) {
        try (SubmitterHarness h =
                new SubmitterHarness(cluster, 1, Emulator.builder().timeScale(1), Map.of(), true)) {
            h.emulator.faults().script(Endpoint.CREATE, Fault.slow(Duration.ofSeconds(2)));
            SubmitterApp gone = h.start(Map.of(SubmitterConfig.INSTANCE_ID, "gone"));
            h.publish(
                    h.names.requests().get(0),
                    "k",
                    request("moved", params("claude-opus-4-6", 10, "#emulate duration=1h"), ""));
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> h.emulator.faults().injectedCount() >= 1);
            gone.abort(); // crashed in the window; "gone" never starts again
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> h.client.listAll().size() == 1);
            String orphan = h.client.listAll().get(0).id();

            Clock later = Clock.offset(Clock.systemUTC(), Duration.ofMinutes(16));
            h.start(Map.of(SubmitterConfig.INSTANCE_ID, "successor"), later);

            // the successor waits out gone's session (45 s by default) for the partition, then re-creates
            await().atMost(Duration.ofSeconds(180))
                    .until(() -> h.ticketedCustomIds().contains("moved"));
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> h.client.retrieve(orphan).cancelInitiatedAt() != null);
            assertThat(counter(h, "cancelled")).isEqualTo(1);
            assertThat(counter(h, "adopted")).isZero();
            assertThat(h.tickets())
                    .singleElement()
                    .satisfies(t -> assertThat(t.batchId()).isNotEqualTo(orphan));
            assertThat(h.ticketedCustomIds()).containsExactly("moved");
        }
    }

    private static double failures(SubmitterHarness h, String kind) {
        var c = h.registry
                .find(BridgeMetric.SUBMITTER_CREATE_FAILURES.metricName())
                .tag("kind", kind)
                .counter();
        return c == null ? 0 : c.count();
    }

    private static double counter(SubmitterHarness h, String outcome) {
        var c = h.registry
                .find(BridgeMetric.SUBMITTER_ORPHAN_BATCHES.metricName())
                .tag("outcome", outcome)
                .counter();
        return c == null ? 0 : c.count();
    }
}
