package io.batchbridge.submitter.internal;

import io.batchbridge.common.records.Coordinates;
import io.batchbridge.common.validation.ValidRequest;
import java.util.List;
import java.util.stream.Stream;
import org.apache.kafka.common.TopicPartition;

/**
 * One validated request waiting in a lane.
 *
 * @param source where the consumed record lives (request or retry topic)
 * @param raw the record value as consumed (dead letters carry it unchanged)
 * @param sharing requests de-duplicated into this one ({@link Duplicates}): they are not sent to the API but get
 *     this request's answer, each as its own request; empty unless {@code bridge.submitter.dedup.enabled}
 */
public record LaneItem(ValidRequest request, Coordinates source, byte[] raw, List<LaneItem> sharing) {

    public LaneItem {
        sharing = List.copyOf(sharing);
    }

    public LaneItem(ValidRequest request, Coordinates source, byte[] raw) {
        this(request, source, raw, List.of());
    }

    public TopicPartition partition() {
        return new TopicPartition(source.topic(), source.partition());
    }

    /** Bytes this item adds to a create body: params plus the item's envelope (shared items add nothing). */
    public long bodyBytes() {
        return request.envelope().params().length + 48L;
    }

    /** This request and those sharing its answer: every record it stands for. */
    public Stream<LaneItem> all() {
        return sharing.isEmpty() ? Stream.of(this) : Stream.concat(Stream.of(this), sharing.stream());
    }

    /** The same request with {@code others} sharing its answer. */
    LaneItem sharedBy(List<LaneItem> others) {
        return new LaneItem(request, source, raw, others);
    }

    /** The same request standing alone. */
    LaneItem alone() {
        return sharing.isEmpty() ? this : new LaneItem(request, source, raw, List.of());
    }
}
