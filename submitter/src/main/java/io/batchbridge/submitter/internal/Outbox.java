package io.batchbridge.submitter.internal;

import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * The next hops gathered during one loop iteration, written in one Kafka transaction together with the
 * input offsets they complete (invariant 2).
 */
public final class Outbox {
    record Done(TopicPartition partition, long offset) {}

    private final List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
    private final List<Done> done = new ArrayList<>();
    private final List<OrphanBatches.Orphan> created = new ArrayList<>();

    public void add(ProducerRecord<byte[], byte[]> record) {
        records.add(record);
    }

    public void completes(TopicPartition tp, long offset) {
        done.add(new Done(tp, offset));
    }

    /** A batch the API accepted whose ticket is among the records: an orphan if they are not written. */
    public void created(OrphanBatches.Orphan batch) {
        created.add(batch);
    }

    List<OrphanBatches.Orphan> created() {
        return created;
    }

    List<ProducerRecord<byte[], byte[]>> records() {
        return records;
    }

    List<Done> done() {
        return done;
    }

    boolean isEmpty() {
        return records.isEmpty() && done.isEmpty();
    }

    void clear() {
        records.clear();
        done.clear();
        created.clear();
    }
}
