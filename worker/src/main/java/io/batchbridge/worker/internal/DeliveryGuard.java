package io.batchbridge.worker.internal;

import io.batchbridge.common.records.DeadLetterReason;
import io.batchbridge.common.records.Echo;
import io.batchbridge.common.records.Problem;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one result that cannot reach its topic from stalling its batch. Before a result is sent:
 * {@link #refusal} says whether it must be dead-lettered instead (too large; its {@code reply_to} topic does not
 * exist, asked of {@link Destinations}; or a send of it failed before). After a transaction aborted:
 * {@link #attribute} looks at which result sends failed and why; a failure that belongs to the record (too
 * large for its topic, not authorized, illegal topic) marks that item so the redone transaction dead-letters it,
 * while a topic that could not be reached is asked of the Admin client again at the next attempt.
 */
final class DeliveryGuard {
    private static final Logger log = LoggerFactory.getLogger(DeliveryGuard.class);

    /** Kafka's rule for topic names: 1 to 249 of these characters, not "." or "..". */
    private static final Pattern LEGAL_TOPIC = io.batchbridge.common.topics.TopicNames.LEGAL_NAME;

    private final Destinations destinations;
    private final int maxResultBytes;

    DeliveryGuard(Destinations destinations, int maxResultBytes) {
        this.destinations = destinations;
        this.maxResultBytes = maxResultBytes;
    }

    /** Why item {@code i}'s result {@code r} must be dead-lettered rather than sent, or null to send it. */
    Problem refusal(OpenBatch b, int i, ProducerRecord<byte[], byte[]> r) {
        Problem marked = b.undeliverable(i);
        if (marked != null) {
            return marked;
        }
        if (r.value().length > maxResultBytes) {
            return new Problem(
                    DeadLetterReason.RESULT_TOO_LARGE,
                    "the result is " + r.value().length + " bytes, above the limit of " + maxResultBytes
                            + stillDownloadable(b, i));
        }
        if (b.item(i).replyTo() != null) {
            Optional<String> why = LEGAL_TOPIC.matcher(r.topic()).matches()
                    ? destinations.unusable(r.topic())
                    : Optional.of(Echo.quoted(r.topic()) + " is not a legal Kafka topic name");
            if (why.isPresent()) {
                return new Problem(
                        DeadLetterReason.OUTPUT_TOPIC_UNAVAILABLE,
                        "the result cannot be delivered to its reply_to: " + why.get() + stillDownloadable(b, i));
            }
        }
        return null;
    }

    /**
     * After an abort: marks the items whose result the broker or producer refused for a reason of its own. Once a
     * send fails, the producer fails every other pending record of the transaction with the same exception; so a
     * refusal counts for a record only when it names the record's topic (authorization, illegal topic) or, for a
     * record too large, when it is the first failure (the producer splits batches until the refused record is
     * alone, and the first callback is that record's). Any other record is simply sent again in the redo.
     *
     * @return true when an item was newly marked, so redoing the transaction now makes progress
     */
    boolean attribute(OpenBatch b, FanoutTxn txn) {
        List<FanoutTxn.FailedResult> failed = txn.failedResults();
        boolean marked = false;
        for (FanoutTxn.FailedResult f : failed) {
            Problem p = f.item() < 0 ? null : problem(b, f, f == failed.get(0));
            if (p == null) {
                destinations.forget(f.topic());
            } else if (b.markUndeliverable(f.item(), p)) {
                marked = true;
                log.warn(
                        "batch_id={} custom_id={}: {}; it will be dead-lettered",
                        b.batchId(),
                        b.item(f.item()).customId(),
                        p.message());
            }
        }
        return marked;
    }

    /** The problem that belongs to the record, or null when the failure is not (only) its own. */
    private static Problem problem(OpenBatch b, FanoutTxn.FailedResult f, boolean first) {
        String topic = Echo.quoted(f.topic());
        Exception e = f.error();
        if (e instanceof RecordTooLargeException && first) {
            return new Problem(
                    DeadLetterReason.RESULT_TOO_LARGE,
                    "topic " + topic + " refused the result as too large (" + Echo.of(e.getMessage()) + ")"
                            + stillDownloadable(b, f.item()));
        }
        if ((e instanceof TopicAuthorizationException a
                        && a.unauthorizedTopics().contains(f.topic()))
                || (e instanceof InvalidTopicException i && i.invalidTopics().contains(f.topic()))) {
            return new Problem(
                    DeadLetterReason.OUTPUT_TOPIC_UNAVAILABLE,
                    "topic " + topic + " refused the result (" + Echo.of(e.toString()) + ")"
                            + stillDownloadable(b, f.item()));
        }
        return null; // e.g. a metadata timeout, or another record's refusal: ask again, send again
    }

    private static String stillDownloadable(OpenBatch b, int i) {
        return "; it stays downloadable from batch " + b.batchId() + " (custom_id "
                + b.item(i).customId() + ") for 29 days after creation";
    }
}
