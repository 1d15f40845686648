package io.batchbridge.submitter;

import static io.batchbridge.submitter.SubmitterHarness.params;
import static io.batchbridge.submitter.SubmitterHarness.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.batchbridge.emulator.Endpoint;
import io.batchbridge.emulator.Fault;
import io.batchbridge.kafka.embedded.KafkaCluster;
import io.batchbridge.kafka.embedded.KafkaClusterExtension;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A rebalance during a slow create (75 s at the API, longer than the client's 60 s call timeout; a second
 * submitter joins meanwhile): each request is ticketed exactly once, and every batch the API holds is accounted
 * for — it has a ticket, or it is a counted orphan (a late create for revoked partitions is cancelled), or it is
 * the outcome of a create counted as {@code outcome_unknown} (the documented duplicate window: billed, never
 * delivered twice). This does not reproduce issue #18's reported double delivery: it passes on the code before
 * #17 as well (there the partitions did not move away from the slow create's owner, or the timed-out create was
 * not re-sent for them); the exact reproduction is still open.
 */
@ExtendWith(KafkaClusterExtension.class)
@Timeout(360)
class RevocationDuringCreateIT {

    @Test
    void aCreateThatOutlivesItsPartitionsIsCancelledAndEveryRequestTicketedOnce(KafkaCluster cluster) {
        try (SubmitterHarness h = new SubmitterHarness(cluster, 2)) {
            h.emulator.faults().script(Endpoint.CREATE, Fault.slow(Duration.ofSeconds(75)));
            h.start();
            List<String> ids = List.of("slow-0", "slow-1", "slow-2", "slow-3");
            for (int i = 0; i < ids.size(); i++) {
                h.publish(
                        h.names.requests().get(0),
                        "k" + i,
                        request(ids.get(i), params("claude-opus-4-6", 10, "x"), ""));
            }
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> h.emulator.faults().injectedCount() >= 1);
            long slowAnswersAt = System.nanoTime() + Duration.ofSeconds(80).toNanos();

            // a second instance joins while the create is at the API: the first one's partitions move
            h.start(Map.of(SubmitterConfig.INSTANCE_ID, "it-second-" + UUID.randomUUID()));

            await().atMost(Duration.ofSeconds(240)).until(() -> new HashSet<>(h.ticketedCustomIds()).containsAll(ids));
            // the slow create answers 75 s after it began: whatever it leads to must have happened before we count
            await().atMost(Duration.ofSeconds(120))
                    .pollInterval(Duration.ofSeconds(1))
                    .until(() -> System.nanoTime() > slowAnswersAt);
            // settle: a late ticket would show up now
            await().pollDelay(Duration.ofSeconds(5)).until(() -> true);

            List<String> ticketed = h.ticketedCustomIds();
            assertThat(ticketed).as("each request ticketed exactly once").containsExactlyInAnyOrderElementsOf(ids);
            int atTheApi = h.client.listAll().size();
            int accounted = ticketedBatches(h).size()
                    + (int) counter(h, "bridge.submitter.orphan.batches", "outcome", "cancelled")
                    + (int) counter(h, "bridge.submitter.create.failures", "kind", "outcome_unknown");
            System.out.printf(
                    "revocation during create: %d batches at the API, %d ticketed, accounted %d%n",
                    atTheApi, ticketedBatches(h).size(), accounted);
            assertThat(atTheApi)
                    .as("every batch at the API is ticketed or counted")
                    .isLessThanOrEqualTo(accounted);
        }
    }

    private static Set<String> ticketedBatches(SubmitterHarness h) {
        Set<String> ids = new HashSet<>();
        h.tickets().forEach(t -> ids.add(t.batchId()));
        return ids;
    }

    private static double counter(SubmitterHarness h, String name, String tag, String value) {
        var c = h.registry.find(name).tag(tag, value).counter();
        return c == null ? 0 : c.count();
    }
}
