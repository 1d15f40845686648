package io.batchbridge.submitter.internal;

import io.batchbridge.common.records.Coordinates;
import io.batchbridge.common.validation.ValidRequest;
import org.apache.kafka.common.TopicPartition;

/**
 * One validated request waiting in a lane.
 *
 * @param source where the consumed record lives (request or retry topic)
 * @param raw the record value as consumed (dead letters carry it unchanged)
 */
public record LaneItem(ValidRequest request, Coordinates source, byte[] raw) {

    public TopicPartition partition() {
        return new TopicPartition(source.topic(), source.partition());
    }

    /** Bytes this item adds to a create body: params plus the item's envelope. */
    public long bodyBytes() {
        return request.envelope().params().length + 48L;
    }
}
