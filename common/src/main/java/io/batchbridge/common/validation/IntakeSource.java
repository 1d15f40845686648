package io.batchbridge.common.validation;

/**
 * Where a record was read, as far as validation cares.
 *
 * @param requestTopic the request topic it was published to (for a retry record: its origin's topic)
 * @param topicAccount the account of that topic (its configured default)
 * @param retry true for a record of the retry topic: only there are the product's own fields ({@code attempt},
 *     {@code max_attempts}, {@code not_before}, {@code origin}, {@code last_error}) honoured; on a request topic
 *     they are ignored
 */
public record IntakeSource(String requestTopic, String topicAccount, boolean retry) {

    /** A record published to a request topic. */
    public static IntakeSource request(String topic, String topicAccount) {
        return new IntakeSource(topic, topicAccount, false);
    }
}
