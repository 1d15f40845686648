package io.batchbridge.common.validation;

import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The operator's choices intake validation applies.
 *
 * @param rejectUnknownModels true: dead-letter models missing from the catalogue; false: pass them
 *     through and let the API decide (its answer comes back as an errored result)
 * @param replyToAllowed {@code reply_to} topics must match this pattern in full
 * @param accounts configured API account names
 * @param maxRecordBytes larger request records are dead-lettered as {@code record_too_large}
 * @param maxMetadataBytes larger {@code metadata} objects are refused
 * @param accountChoice which accounts a record may name in its {@code account} field
 * @param topicAccountsAllowed per request topic, the accounts its records may name besides the topic's own
 *     ({@link AccountChoice#LISTED})
 * @param rejectUnknownBetas true: a well-formed beta the catalogue does not know is dead-lettered
 * @param ownTopics batch-bridge's internal topics and the request topics: never a {@code reply_to}
 * @param topics tells whether a topic exists (the Admin client, cached)
 */
public record ValidationPolicy(
        boolean rejectUnknownModels,
        Pattern replyToAllowed,
        Set<String> accounts,
        int maxRecordBytes,
        int maxMetadataBytes,
        AccountChoice accountChoice,
        Map<String, Set<String>> topicAccountsAllowed,
        boolean rejectUnknownBetas,
        Set<String> ownTopics,
        TopicDirectory topics) {

    /** Which accounts a record may choose with its {@code account} field. */
    public enum AccountChoice {
        /** Only its topic's own account (the field may be absent or name that account). */
        NONE,
        /** Its topic's account or one listed for the topic in {@code bridge.submitter.topic.accounts.allowed}. */
        LISTED,
        /** Any configured account: for deployments where every producer is trusted with every account. */
        ANY
    }

    /** Whether a topic exists; may throw {@link TopicDirectory.Unavailable} when the cluster cannot tell now. */
    @FunctionalInterface
    public interface TopicDirectory {
        boolean exists(String topic);

        /** The cluster could not be asked: the record is neither valid nor invalid yet; hold it and ask again. */
        final class Unavailable extends RuntimeException {
            public Unavailable(String message, Throwable cause) {
                super(message, cause);
            }
        }
    }

    public ValidationPolicy {
        accounts = Set.copyOf(accounts);
        topicAccountsAllowed = Map.copyOf(topicAccountsAllowed);
        ownTopics = Set.copyOf(ownTopics);
    }

    /** Records may name any configured account; betas are lenient; every topic exists (unit tests, tools). */
    public ValidationPolicy(
            boolean rejectUnknownModels,
            Pattern replyToAllowed,
            Set<String> accounts,
            int maxRecordBytes,
            int maxMetadataBytes) {
        this(
                rejectUnknownModels,
                replyToAllowed,
                accounts,
                maxRecordBytes,
                maxMetadataBytes,
                AccountChoice.ANY,
                Map.of(),
                false,
                Set.of(),
                topic -> true);
    }

    /** The accounts records on {@code topic} may name besides the topic's own. */
    Set<String> allowedFor(String topic) {
        return topic == null ? Set.of() : topicAccountsAllowed.getOrDefault(topic, Set.of());
    }
}
