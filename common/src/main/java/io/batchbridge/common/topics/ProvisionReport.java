package io.batchbridge.common.topics;

import java.util.List;

/**
 * What a provisioning run found and did.
 *
 * @param created topics that did not exist and were created
 * @param existing topics that existed already
 * @param missing topics that do not exist (only from a check, which creates nothing)
 * @param violations problems found on existing topics (before any fix)
 * @param fixed violations that were fixed (only when fixing was asked for)
 */
public record ProvisionReport(
        List<String> created,
        List<String> existing,
        List<String> missing,
        List<Violation> violations,
        List<Violation> fixed) {

    /** One existing topic config that breaks an invariant. */
    public record Violation(String topic, TopicRole role, String key, String actual, String expected, String problem) {
        @Override
        public String toString() {
            return topic + ": " + problem;
        }
    }

    /** True when every topic exists and no unfixed violation remains. */
    public boolean healthy() {
        return missing.isEmpty() && violations.size() == fixed.size();
    }
}
