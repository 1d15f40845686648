package io.batchbridge.submitter;

import static io.batchbridge.submitter.SubmitterHarness.params;
import static io.batchbridge.submitter.SubmitterHarness.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.batchbridge.common.kafka.GroupMembership;
import io.batchbridge.common.lifecycle.RoleState;
import io.batchbridge.kafka.embedded.KafkaCluster;
import io.batchbridge.kafka.embedded.KafkaClusterExtension;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Static membership by default: a crashed instance stays a member (its partitions wait for it, not for a
 * rebalance), the same id restarted takes them back as that member, a graceful stop with leave-on-close hands
 * them over at once, and two live instances with one id stop loudly instead of fencing each other in a loop.
 */
@ExtendWith(KafkaClusterExtension.class)
@Timeout(240)
class StaticMembershipIT {

    @Test
    void aCrashedInstanceStaysAMemberAndItsRestartTakesItsPlace(KafkaCluster cluster) throws Exception {
        try (SubmitterHarness h = new SubmitterHarness(cluster, 2);
                Admin admin = Admin.create(Map.of("bootstrap.servers", cluster.bootstrapServers()))) {
            String member = GroupMembership.memberId("submitter", h.config.get(SubmitterConfig.INSTANCE_ID));
            SubmitterApp first = h.start();
            await().atMost(Duration.ofSeconds(60)).until(first::assignmentSettled);
            assertThat(members(admin, h))
                    .extracting(m -> m.groupInstanceId().orElse(null))
                    .containsExactly(member);

            first.abort(); // like a SIGKILL: no leave-group
            assertThat(members(admin, h))
                    .as("a static member that crashed is still in the group")
                    .extracting(m -> m.groupInstanceId().orElse(null))
                    .containsExactly(member);

            SubmitterApp second = h.start(); // same instance id, as a restarted pod
            h.publish(h.names.requests().get(0), "k", request("after-restart", params("claude-opus-4-6", 10, "x"), ""));
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> h.ticketedCustomIds().contains("after-restart"));
            assertThat(second.state()).isEqualTo(RoleState.RUNNING);
            List<MemberDescription> now = members(admin, h);
            assertThat(now).extracting(m -> m.groupInstanceId().orElse(null)).containsExactly(member);
            assertThat(now.get(0).assignment().topicPartitions()).isNotEmpty();
        }
    }

    @Test
    void aGracefulStopWithLeaveOnCloseHandsThePartitionsOverAtOnce(KafkaCluster cluster) throws Exception {
        try (SubmitterHarness h = new SubmitterHarness(cluster, 2);
                Admin admin = Admin.create(Map.of("bootstrap.servers", cluster.bootstrapServers()))) {
            SubmitterApp app = h.start(Map.of(GroupMembership.LEAVE_ON_CLOSE, "true"));
            await().atMost(Duration.ofSeconds(60)).until(app::assignmentSettled);
            assertThat(members(admin, h)).hasSize(1);
            app.close(Duration.ofSeconds(30));
            assertThat(members(admin, h)).as("left the group on close").isEmpty();
        }
    }

    @Test
    void twoLiveInstancesWithOneIdStopLoudlyInsteadOfFencingEachOther(KafkaCluster cluster) throws Exception {
        try (SubmitterHarness h = new SubmitterHarness(cluster, 2)) {
            SubmitterApp first = h.start();
            await().atMost(Duration.ofSeconds(60)).until(first::assignmentSettled);
            SubmitterApp twin = h.start(); // same instance id while the first is alive
            await().atMost(Duration.ofSeconds(90))
                    .until(() -> first.state() == RoleState.FAILED || twin.state() == RoleState.FAILED);
            SubmitterApp failed = first.state() == RoleState.FAILED ? first : twin;
            assertThat(failed.failure())
                    .contains("in use by another live instance")
                    .contains(h.config.get(SubmitterConfig.INSTANCE_ID));
        }
    }

    private static List<MemberDescription> members(Admin admin, SubmitterHarness h) throws Exception {
        String group = h.config.get(SubmitterConfig.GROUP_ID);
        ConsumerGroupDescription d =
                admin.describeConsumerGroups(List.of(group)).all().get().get(group);
        Collection<MemberDescription> members = d.members();
        return List.copyOf(members);
    }
}
