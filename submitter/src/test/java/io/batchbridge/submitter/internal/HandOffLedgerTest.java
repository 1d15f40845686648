package io.batchbridge.submitter.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.TreeSet;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class HandOffLedgerTest {
    private static final TopicPartition TP = new TopicPartition("bridge.requests", 0);

    @Test
    void commitsOnlyUpToTheLowestRecordNotYetHandedOff() {
        HandOffLedger ledger = new HandOffLedger();
        ledger.assigned(TP, null);
        for (long o = 0; o < 5; o++) {
            ledger.track(TP, o);
        }
        ledger.done(TP, 0);
        ledger.done(TP, 3);

        OffsetAndMetadata c = ledger.drainCommittable().get(TP);

        assertThat(c.offset()).isEqualTo(1);
        assertThat(HandOffLedger.decode(c.offset(), c.metadata())).containsExactly(3L);
    }

    @Test
    void aNewOwnerSkipsWhatWasHandedOffAboveTheCommittedOffset() {
        HandOffLedger first = new HandOffLedger();
        first.assigned(TP, null);
        for (long o = 10; o < 20; o++) {
            first.track(TP, o);
        }
        for (long o : new long[] {12, 13, 14, 17}) {
            first.done(TP, o);
        }
        first.done(TP, 10);
        OffsetAndMetadata committed = first.drainCommittable().get(TP);

        HandOffLedger second = new HandOffLedger();
        second.assigned(TP, committed);

        assertThat(committed.offset()).isEqualTo(11);
        assertThat(second.handedOffEarlier(TP, 11)).isFalse();
        assertThat(second.handedOffEarlier(TP, 12)).isTrue();
        assertThat(second.handedOffEarlier(TP, 14)).isTrue();
        assertThat(second.handedOffEarlier(TP, 15)).isFalse();
        assertThat(second.handedOffEarlier(TP, 17)).isTrue();
    }

    @Test
    void skippedOffsetsStayInTheMetadataUntilTheWatermarkPassesThem() {
        HandOffLedger ledger = new HandOffLedger();
        ledger.assigned(
                TP, new OffsetAndMetadata(5, HandOffLedger.encode(5, new TreeSet<>(java.util.List.of(7L, 8L)))));
        ledger.track(TP, 5);
        assertThat(ledger.handedOffEarlier(TP, 7)).isTrue();
        ledger.track(TP, 6);
        ledger.done(TP, 6);

        OffsetAndMetadata c = ledger.drainCommittable().get(TP);
        assertThat(c.offset()).isEqualTo(5);
        assertThat(HandOffLedger.decode(5, c.metadata())).containsExactly(6L, 7L, 8L);

        ledger.done(TP, 5);
        OffsetAndMetadata after = ledger.drainCommittable().get(TP);
        // 8 has not been consumed again yet: the commit stops before it and still says it is done.
        assertThat(after.offset()).isEqualTo(8);
        assertThat(HandOffLedger.decode(8, after.metadata())).containsExactly(8L);
    }

    @Test
    void allDoneCommitsPastTheHighestSeenWithEmptyMetadata() {
        HandOffLedger ledger = new HandOffLedger();
        ledger.assigned(TP, new OffsetAndMetadata(100, ""));
        ledger.track(TP, 100);
        ledger.seenAndDone(TP, 101);
        ledger.done(TP, 100);

        Map<TopicPartition, OffsetAndMetadata> c = ledger.drainCommittable();

        assertThat(c.get(TP)).isEqualTo(new OffsetAndMetadata(102, ""));
        assertThat(ledger.drainCommittable()).isEmpty();
    }

    @Test
    void rangesEncodeCompactly() {
        TreeSet<Long> done = new TreeSet<>();
        for (long o = 1000; o < 2000; o++) {
            done.add(o);
        }
        done.add(5000L);
        String m = HandOffLedger.encode(900, done);

        assertThat(m).isEqualTo("b1:2s-rr,35w");
        assertThat(HandOffLedger.decode(900, m)).isEqualTo(done);
        assertThat(HandOffLedger.decode(0, "garbage")).isEmpty();
    }
}
