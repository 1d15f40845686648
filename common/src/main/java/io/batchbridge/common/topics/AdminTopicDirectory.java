package io.batchbridge.common.topics;

import io.batchbridge.common.validation.ValidationPolicy.TopicDirectory;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListTopicsOptions;

/**
 * Whether a topic exists, asked with the Admin client only. A producer's or consumer's metadata request for a
 * missing topic can create it on brokers left at {@code auto.create.topics.enable=true} (Kafka's default), so a
 * producer's {@code reply_to} must never reach one before this says yes.
 *
 * <p>The topic names are listed once and kept for {@code ttl}; a name not in the list triggers a fresh listing
 * unless the list is younger than {@code missRefresh}, so a topic created a moment ago is found, and a flood of
 * records naming missing topics costs at most one listing per {@code missRefresh}. When the cluster cannot be
 * asked and the name is not known, {@link TopicDirectory.Unavailable} says so: that is infrastructure, not the
 * record.
 */
public final class AdminTopicDirectory implements TopicDirectory {
    private final Admin admin;
    private final Clock clock;
    private final Duration ttl;
    private final Duration missRefresh;
    private final Duration timeout;
    private Set<String> names = Set.of();
    private Instant listedAt = Instant.MIN;

    public AdminTopicDirectory(Admin admin, Clock clock, Duration ttl, Duration missRefresh, Duration timeout) {
        this.admin = admin;
        this.clock = clock;
        this.ttl = ttl;
        this.missRefresh = missRefresh;
        this.timeout = timeout;
    }

    /** A directory with a 60 s list, refreshed on a miss at most once a second, 10 s per listing. */
    public static AdminTopicDirectory of(Admin admin) {
        return new AdminTopicDirectory(
                admin, Clock.systemUTC(), Duration.ofSeconds(60), Duration.ofSeconds(1), Duration.ofSeconds(10));
    }

    @Override
    public synchronized boolean exists(String topic) {
        Instant now = clock.instant();
        boolean stale = now.isAfter(listedAt.plus(ttl));
        if (!stale && names.contains(topic)) {
            return true;
        }
        if (stale || !now.isBefore(listedAt.plus(missRefresh))) {
            try {
                names = list();
                listedAt = now;
            } catch (TopicDirectory.Unavailable e) {
                if (names.contains(topic)) {
                    return true; // known a moment ago; deleting it is rare and the worker checks again
                }
                throw e;
            }
        }
        return names.contains(topic);
    }

    private Set<String> list() {
        try {
            return admin.listTopics(new ListTopicsOptions().listInternal(false))
                    .names()
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TopicDirectory.Unavailable("interrupted while listing topics", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new TopicDirectory.Unavailable("could not list the cluster's topics: " + e, e);
        }
    }
}
