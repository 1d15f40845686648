package io.batchbridge.worker.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class TicketOffsetLedgerTest {

    @Test
    void commitsNothingNewWhileTheEarliestTicketIsOpen() {
        TicketOffsetLedger l = new TicketOffsetLedger(10);
        l.register(10);
        l.register(12);
        l.register(13);
        l.complete(List.of(12L, 13L));
        assertThat(l.committable()).isEqualTo(10);
    }

    @Test
    void advancesPastEveryCompleteTicketOnceTheEarliestCompletes() {
        TicketOffsetLedger l = new TicketOffsetLedger(10);
        l.register(10);
        l.register(12);
        l.register(13);
        l.complete(List.of(13L));
        l.complete(List.of(10L));
        assertThat(l.committable()).isEqualTo(12);
        l.complete(List.of(12L));
        assertThat(l.committable()).isEqualTo(14);
    }

    @Test
    void countsEveryPartOfAMultiPartBatch() {
        TicketOffsetLedger l = new TicketOffsetLedger(0);
        l.register(0);
        l.register(1);
        l.register(2);
        assertThat(l.committableWith(List.of(0L, 1L))).isEqualTo(2);
        assertThat(l.committableWith(List.of(0L, 1L, 2L))).isEqualTo(3);
        assertThat(l.committable()).as("what-if does not complete").isZero();
    }

    @Test
    void keepsThePositionWhenNothingWasRegistered() {
        assertThat(new TicketOffsetLedger(42).committable()).isEqualTo(42);
    }

    @Test
    void prunesCompletedOffsetsBelowTheCommitButKeepsOpenOnes() {
        TicketOffsetLedger l = new TicketOffsetLedger(0);
        for (long o = 0; o < 5; o++) {
            l.register(o);
        }
        l.complete(List.of(0L, 1L, 3L));
        l.pruneBelow(l.committable());
        assertThat(l.size()).isEqualTo(3);
        assertThat(l.lowestOpen()).hasValue(2);
        assertThat(l.committable()).isEqualTo(2);
    }
}
