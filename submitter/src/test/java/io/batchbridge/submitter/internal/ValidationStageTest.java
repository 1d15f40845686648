package io.batchbridge.submitter.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class ValidationStageTest {
    private static final TopicPartition P0 = new TopicPartition("requests", 0);
    private static final TopicPartition P1 = new TopicPartition("requests", 1);

    private static ConsumerRecord<byte[], byte[]> record(TopicPartition tp, long offset) {
        return new ConsumerRecord<>(tp.topic(), tp.partition(), offset, null, new byte[] {(byte) offset});
    }

    private static List<String> coordinates(List<ValidationStage.Decided> decided) {
        return decided.stream()
                .map(d -> d.partition().partition() + "@" + d.record().offset())
                .toList();
    }

    @Test
    void decisionsComeBackInPollOrderWithTheRecordTheyBelongTo() {
        List<Long> decidedOffsets = new ArrayList<>();
        try (ValidationStage stage = new ValidationStage(r -> {
            decidedOffsets.add(r.offset());
            return new Intake.NotDue(Instant.ofEpochSecond(r.offset()));
        })) {
            stage.submit(List.of(record(P0, 1), record(P1, 7), record(P0, 2)));
            stage.submit(List.of(record(P1, 8)));
            assertThat(stage.pending()).isEqualTo(2);
            assertThat(stage.full()).isTrue();

            List<ValidationStage.Decided> first = stage.take();
            assertThat(coordinates(first)).containsExactly("0@1", "1@7", "0@2");
            assertThat(first)
                    .allSatisfy(d -> assertThat(((Intake.NotDue) d.decision()).due())
                            .isEqualTo(Instant.ofEpochSecond(d.record().offset())));
            assertThat(coordinates(stage.take())).containsExactly("1@8");
            assertThat(stage.take()).isEmpty();
            assertThat(stage.pending()).isZero();
            assertThat(decidedOffsets).containsExactly(1L, 7L, 2L, 8L);
        }
    }

    @Test
    void anEmptyPollIsNotPending() {
        try (ValidationStage stage = new ValidationStage(r -> new Intake.NotDue(Instant.EPOCH))) {
            stage.submit(List.of());
            assertThat(stage.pending()).isZero();
            assertThat(stage.take()).isEmpty();
        }
    }

    @Test
    void aPartitionSoughtBackDropsItsRecordsPolledSoFarButNotLaterOnesOrOtherPartitions() {
        try (ValidationStage stage = new ValidationStage(r -> new Intake.NotDue(Instant.EPOCH))) {
            stage.submit(List.of(record(P0, 1), record(P1, 1)));
            stage.submit(List.of(record(P0, 2), record(P1, 2)));
            // applying the first poll seeks P0 back: its record in the second poll (already polled) is stale
            stage.take();
            stage.stale(P0);
            stage.submit(List.of(record(P0, 1), record(P1, 3))); // polled after the seek: fresh again

            assertThat(coordinates(stage.take())).containsExactly("1@2");
            assertThat(coordinates(stage.take())).containsExactly("0@1", "1@3");
        }
    }

    @Test
    void aRevokedPartitionDropsEveryPendingPollsRecords() {
        try (ValidationStage stage = new ValidationStage(r -> new Intake.NotDue(Instant.EPOCH))) {
            stage.submit(List.of(record(P0, 1), record(P1, 1)));
            stage.submit(List.of(record(P0, 2)));
            stage.stale(P0);
            stage.stale(P1);

            assertThat(stage.take()).isEmpty();
            assertThat(stage.take()).isEmpty();
        }
    }

    @Test
    void takeAllDrainsEveryPendingPollInOrderLeavingOutStaleRecords() {
        try (ValidationStage stage = new ValidationStage(r -> new Intake.NotDue(Instant.EPOCH))) {
            stage.submit(List.of(record(P0, 1), record(P1, 1)));
            stage.submit(List.of(record(P1, 2), record(P0, 2)));
            stage.stale(P1);

            assertThat(coordinates(stage.takeAll())).containsExactly("0@1", "0@2");
            assertThat(stage.pending()).isZero();
        }
    }

    @Test
    void validationRunsOffTheCallingThreadSoTheNextPollOverlapsIt() throws InterruptedException {
        CountDownLatch release = new CountDownLatch(1);
        List<String> threads = new ArrayList<>();
        try (ValidationStage stage = new ValidationStage(r -> {
            threads.add(Thread.currentThread().getName());
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return new Intake.NotDue(Instant.EPOCH);
        })) {
            stage.submit(List.of(record(P0, 1))); // returns while the record is still being decided
            assertThat(stage.pending()).isEqualTo(1);
            release.countDown();
            assertThat(coordinates(stage.take())).containsExactly("0@1");
            assertThat(threads).containsExactly("submitter-validate");
        }
    }

    @Test
    void aFailureWhileDecidingIsRethrownWhenTaken() {
        try (ValidationStage stage = new ValidationStage(r -> {
            throw new IllegalArgumentException("bug in a validator");
        })) {
            stage.submit(List.of(record(P0, 1)));
            assertThatThrownBy(stage::take)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("bug in a validator");
            assertThat(stage.pending()).isZero();
        }
    }
}
