package io.batchbridge.common.topics;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class TopicRequirementTest {

    @Test
    void infiniteRetentionMeetsARetentionMinimum() {
        TopicRequirement req = TopicRequirement.retentionAtLeast(Duration.ofHours(48), "why");
        assertThat(req.check("-1")).isEmpty();
        assertThat(req.check("172800000")).isEmpty();
        assertThat(req.check("3600000")).hasValueSatisfying(p -> assertThat(p).contains("but was 3600000"));
    }

    @Test
    void cleanupPolicyListIsSplitOnCommas() {
        TopicRequirement req = TopicRequirement.contains("cleanup.policy", "compact", "why");
        assertThat(req.check("delete, compact")).isEmpty();
        assertThat(req.check("delete")).isPresent();
        assertThat(req.check(null)).isPresent();
    }

    @Test
    void maxMessageBytesBelowTheMinimumIsReportedWithKeyRuleAndValue() {
        TopicRequirement req = TopicRequirement.atLeast("max.message.bytes", 8388608, "big records");
        assertThat(req.check("1048588"))
                .hasValue("max.message.bytes must be at least 8388608 but was 1048588 (big records)");
        assertThat(req.check("8388608")).isEmpty();
    }

    @Test
    void everyRoleCreatesTopicsThatMeetItsOwnRequirements() {
        for (TopicRole role : TopicRole.values()) {
            for (TopicRequirement req : role.requirements()) {
                assertThat(req.check(role.creationConfigs().get(req.key())))
                        .as("%s %s", role, req.key())
                        .isEmpty();
            }
        }
    }
}
