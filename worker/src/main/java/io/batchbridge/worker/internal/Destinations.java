package io.batchbridge.worker.internal;

import io.batchbridge.common.records.Echo;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * Whether a topic exists (an output topic before a result is sent to it; a source topic before a request is
 * re-read from it), asked of the Admin client only and remembered for a while. Never a producer's
 * or consumer's metadata request: on a broker left at {@code auto.create.topics.enable=true} (Kafka's default)
 * those create the topic they ask about, and for a missing topic a producer's {@code send} blocks for
 * {@code max.block.ms} and then leaves the transaction abortable. The Admin client's metadata requests never
 * create topics. Thread-safe: the fan-out threads share one.
 */
public final class Destinations {
    /** Answers are kept this long; a topic created or deleted meanwhile is seen at the next check after it. */
    public static final Duration TTL = Duration.ofSeconds(30);

    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(15);
    /** Distinct topics remembered at most (reply_to names come from tickets: a forged one may name many). */
    private static final int MAX_ENTRIES = 10_000;

    /** @param unusable why the topic cannot be used, or null; @param partitions its partition count when usable */
    private record Answer(String unusable, int partitions, long expiresAt) {}

    private final Admin admin;
    private final Duration ttl;
    private final LongSupplier nanoTime;
    private final Map<String, Answer> answers = new ConcurrentHashMap<>();

    public Destinations(Admin admin) {
        this(admin, TTL, System::nanoTime);
    }

    Destinations(Admin admin, Duration ttl, LongSupplier nanoTime) {
        this.admin = admin;
        this.ttl = ttl;
        this.nanoTime = nanoTime;
    }

    /**
     * Empty when {@code topic} exists; otherwise why it cannot take records, as a sentence.
     *
     * @throws KafkaException when the cluster could not say (unreachable, timed out): the fan-out retries later
     */
    public Optional<String> unusable(String topic) {
        return Optional.ofNullable(answer(topic).unusable());
    }

    /** Whether {@code topic} exists with partition {@code partition} (asked as {@link #unusable} is). */
    public boolean hasPartition(String topic, int partition) {
        Answer a = answer(topic);
        return a.unusable() == null && partition >= 0 && partition < a.partitions();
    }

    private Answer answer(String topic) {
        long now = nanoTime.getAsLong();
        Answer a = answers.get(topic);
        if (a == null || now - a.expiresAt() >= 0) {
            a = describe(topic, now + ttl.toNanos());
            if (answers.size() >= MAX_ENTRIES) {
                answers.values().removeIf(old -> now - old.expiresAt() >= 0);
                if (answers.size() >= MAX_ENTRIES) {
                    answers.clear();
                }
            }
            answers.put(topic, a);
        }
        return a;
    }

    /** Forgets what is known of {@code topic}: a send to it failed, so the next check asks the cluster again. */
    public void forget(String topic) {
        answers.remove(topic);
    }

    private Answer describe(String topic, long expiresAt) {
        try {
            TopicDescription d = admin.describeTopics(
                            List.of(topic), new DescribeTopicsOptions().timeoutMs((int) CALL_TIMEOUT.toMillis()))
                    .allTopicNames()
                    .get(CALL_TIMEOUT.toMillis() + 1_000, TimeUnit.MILLISECONDS)
                    .get(topic);
            return new Answer(null, d == null ? 0 : d.partitions().size(), expiresAt);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof UnknownTopicOrPartitionException) {
                return new Answer("topic " + Echo.quoted(topic) + " does not exist", 0, expiresAt);
            }
            if (cause instanceof TopicAuthorizationException) {
                return new Answer(
                        "topic " + Echo.quoted(topic) + " may not be described (or written) by this worker",
                        0,
                        expiresAt);
            }
            if (cause instanceof InvalidTopicException) {
                return new Answer(Echo.quoted(topic) + " is not a legal topic name", 0, expiresAt);
            }
            throw new KafkaException("cannot tell whether topic " + Echo.quoted(topic) + " exists: " + cause, cause);
        } catch (TimeoutException e) {
            throw new KafkaException("cannot tell whether topic " + Echo.quoted(topic) + " exists: timed out", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaException("interrupted while checking topic " + Echo.quoted(topic), e);
        }
    }
}
