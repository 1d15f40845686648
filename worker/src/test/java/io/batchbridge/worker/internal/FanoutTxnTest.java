package io.batchbridge.worker.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.BitSet;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

class FanoutTxnTest {

    private static FanoutSettings limits(int lines, long bytes, Duration age) {
        return new FanoutSettings(lines, bytes, age, 1 << 20, Duration.ofSeconds(1), false, 0);
    }

    /** Nanoseconds of the test's clock. */
    private final AtomicLong now = new AtomicLong(1_000_000_000L);

    private FanoutTxn txn() {
        MockProducer<byte[], byte[]> producer =
                new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());
        producer.initTransactions();
        return new FanoutTxn(producer, new Checkpoint(0, new BitSet(), false), now::get);
    }

    private static void deliver(FanoutTxn t, int item, int bytes) {
        t.send(new ProducerRecord<>("results", new byte[bytes]));
        t.delivered(item, "succeeded");
    }

    @Test
    void isFullAtItsLineOrByteBoundAndNeverBeforeAnythingWasSent() {
        FanoutTxn t = txn();
        assertThat(t.full(limits(1, 1, Duration.ofNanos(1)))).isFalse();
        deliver(t, 0, 10);
        deliver(t, 1, 10);
        assertThat(t.full(limits(3, 1_000, Duration.ofHours(1)))).isFalse();
        assertThat(t.full(limits(2, 1_000, Duration.ofHours(1)))).isTrue();
        assertThat(t.full(limits(100, 20, Duration.ofHours(1)))).isTrue();
    }

    @Test
    void isFullOnceItHasBeenOpenForItsMaximumAge() {
        FanoutTxn t = txn();
        deliver(t, 0, 10);
        FanoutSettings age = limits(100, 1_000, Duration.ofMillis(50));
        assertThat(t.full(limits(100, 1_000, Duration.ofHours(1)))).isFalse();
        now.addAndGet(Duration.ofMillis(80).toNanos());
        assertThat(t.full(age)).isTrue();
    }

    @Test
    void theBatchsCostRunsOnFromItsCommittedCheckpointIntoTheNext() {
        MockProducer<byte[], byte[]> producer =
                new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());
        producer.initTransactions();
        FanoutTxn t = new FanoutTxn(producer, new Checkpoint(3, new BitSet(), false, 1_250), now::get);
        t.priced(100);
        t.priced(7);
        assertThat(t.costMicros()).isEqualTo(1_357);
        assertThat(t.checkpoint(true).costMicros()).isEqualTo(1_357);
    }
}
