package io.batchbridge.worker.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.BitSet;
import org.junit.jupiter.api.Test;

class CheckpointTest {

    @Test
    void roundTripsTheDeliveredSetWhateverTheOrder() {
        BitSet bits = new BitSet();
        bits.set(99_999);
        bits.set(3);
        bits.set(70_000);
        Checkpoint c = Checkpoint.fromJson(new Checkpoint(3, bits, false).toJson());
        assertThat(c.isDelivered(3)).isTrue();
        assertThat(c.isDelivered(70_000)).isTrue();
        assertThat(c.isDelivered(99_999)).isTrue();
        assertThat(c.isDelivered(4)).isFalse();
        assertThat(c.lines()).isEqualTo(3);
        assertThat(c.done()).isFalse();
    }

    @Test
    void aHundredThousandItemsFitInAboutSeventeenKilobytes() {
        BitSet all = new BitSet();
        all.set(0, 100_000);
        assertThat(new Checkpoint(100_000, all, true).toJson().length).isLessThan(18_000);
    }

    @Test
    void carriesTheBatchsCostSoFarAndReadsZeroFromAnOlderCheckpoint() {
        assertThat(Checkpoint.fromJson(new Checkpoint(1, new BitSet(), true, 4_321).toJson())
                        .costMicros())
                .isEqualTo(4_321);
        byte[] older = "{\"v\":1,\"lines\":1,\"delivered_count\":0,\"done\":false,\"delivered\":\"\"}"
                .getBytes(java.nio.charset.StandardCharsets.UTF_8);
        assertThat(Checkpoint.fromJson(older).costMicros()).isZero();
    }

    @Test
    void isACopyNotAView() {
        BitSet bits = new BitSet();
        Checkpoint c = new Checkpoint(0, bits, false);
        bits.set(1);
        assertThat(c.isDelivered(1)).isFalse();
    }

    @Test
    void rejectsValuesThatAreNotCheckpoints() {
        assertThatThrownBy(() -> Checkpoint.fromJson("{}".getBytes())).isInstanceOf(IllegalArgumentException.class);
    }
}
