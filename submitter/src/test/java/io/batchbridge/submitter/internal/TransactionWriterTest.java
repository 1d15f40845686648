package io.batchbridge.submitter.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class TransactionWriterTest {
    private static final TopicPartition REQUESTS = new TopicPartition("requests", 0);
    private static final ConsumerGroupMetadata GROUP =
            new ConsumerGroupMetadata("submitters", 3, "member-1", java.util.Optional.empty());

    /** A transactional mock whose commit can be held, to see what the loop's thread does meanwhile. */
    private static final class HeldProducer extends MockProducer<byte[], byte[]> {
        volatile CountDownLatch hold = new CountDownLatch(0);
        final CountDownLatch committing = new CountDownLatch(1);

        HeldProducer() {
            super(true, null, new ByteArraySerializer(), new ByteArraySerializer());
        }

        @Override
        public void commitTransaction() {
            committing.countDown();
            try {
                hold.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            super.commitTransaction();
        }
    }

    private final HeldProducer producer = new HeldProducer();
    private final HandOffLedger ledger = new HandOffLedger();
    private TransactionWriter writer;

    @BeforeEach
    void setUp() {
        producer.initTransactions();
        ledger.assigned(REQUESTS, null);
        writer = new TransactionWriter(producer, ledger, () -> GROUP);
    }

    @AfterEach
    void tearDown() {
        producer.hold.countDown();
        writer.close();
    }

    private static ProducerRecord<byte[], byte[]> ticket(String name) {
        return new ProducerRecord<>("batches", 0, name.getBytes(), name.getBytes());
    }

    /** An outbox holding one ticket that completes the request at this offset. */
    private Outbox handOff(long offset) {
        ledger.track(REQUESTS, offset);
        Outbox outbox = new Outbox();
        outbox.add(ticket("t" + offset));
        outbox.completes(REQUESTS, offset);
        return outbox;
    }

    @Test
    void commitReturnsBeforeTheBrokerAnswersAndTheOutboxWaitsForTheNextTransaction() throws Exception {
        producer.hold = new CountDownLatch(1);
        Outbox outbox = handOff(0);
        writer.commit(outbox);
        assertThat(producer.committing.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(outbox.isEmpty()).isTrue(); // taken into the transaction in flight

        // the loop goes on while the first transaction waits for the broker
        ledger.track(REQUESTS, 1);
        outbox.add(ticket("t1"));
        outbox.completes(REQUESTS, 1);
        writer.commit(outbox);
        assertThat(outbox.records()).hasSize(1); // kept for the next transaction
        assertThat(producer.commitCount()).isZero();

        producer.hold.countDown();
        await().atMost(Duration.ofSeconds(5)).until(() -> producer.commitCount() == 1);
        writer.commitNow(outbox);

        assertThat(producer.commitCount()).isEqualTo(2);
        assertThat(producer.history()).extracting(r -> new String(r.value())).containsExactly("t0", "t1");
        assertThat(producer.consumerGroupOffsetsHistory())
                .extracting(m -> m.get("submitters").get(REQUESTS).offset())
                .containsExactly(1L, 2L); // each commit moves the offset past what its records complete
    }

    @Test
    void nothingToWriteStartsNoTransaction() {
        writer.commitNow(new Outbox());
        assertThat(producer.commitCount()).isZero();
        assertThat(producer.history()).isEmpty();
    }

    @Test
    void aFailedTransactionIsAbortedAndRethrownByTheNextCall() {
        producer.commitTransactionException = new ProducerFencedException("another submitter took over");
        writer.commit(handOff(0));
        await().atMost(Duration.ofSeconds(5)).until(producer::transactionAborted);

        assertThatThrownBy(() -> writer.commit(new Outbox()))
                .isInstanceOf(ProducerFencedException.class)
                .hasMessageContaining("another submitter took over");
        assertThat(producer.commitCount()).isZero();
        assertThat(producer.history()).isEmpty(); // aborted: nothing visible
    }

    @Test
    void commitNowWaitsForTheTransactionInFlightAndItsOwn() {
        producer.hold = new CountDownLatch(1);
        writer.commit(handOff(0));
        Thread releaser = new Thread(() -> {
            try {
                producer.committing.await(); // the first transaction is held in its commit
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            producer.hold.countDown();
        });
        releaser.start();
        writer.commitNow(handOff(1));
        assertThat(producer.commitCount()).isEqualTo(2);
    }

    /**
     * Issue #18's topology chaos: a submitter frozen past its session timeout and thawed committed a ticket for
     * requests another submitter had ticketed meanwhile. Whatever the coordinator accepts, a transaction prepared
     * while the consumer knows it is not a member (generation -1) commits nothing: its batches are orphans.
     */
    @Test
    void anExpelledMemberCommitsNothingAndItsBatchesBecomeOrphans() {
        java.util.List<OrphanBatches.Orphan> lost = new java.util.ArrayList<>();
        TransactionWriter expelled = new TransactionWriter(
                producer, ledger, () -> new ConsumerGroupMetadata("submitters"), (l, cause) -> lost.addAll(l));
        Outbox outbox = handOff(0);
        OrphanBatches.Orphan created = orphan();
        outbox.created(created);

        assertThatThrownBy(() -> expelled.commitNow(outbox)).isInstanceOf(TransactionWriter.NotAMember.class);

        assertThat(producer.history()).isEmpty();
        assertThat(producer.commitCount()).isZero();
        assertThat(lost).containsExactly(created);
        expelled.close();
    }

    @Test
    void workOfAPartitionNotOwnedIsNeverCommitted() {
        Outbox outbox = handOff(0);
        outbox.completes(new org.apache.kafka.common.TopicPartition("requests", 7), 3);

        assertThatThrownBy(() -> writer.commitNow(outbox)).isInstanceOf(TransactionWriter.NotAMember.class);

        assertThat(producer.history()).isEmpty();
        assertThat(producer.commitCount()).isZero();
    }

    /**
     * A thawed zombie's own stale offset commit is answered FENCED_INSTANCE_ID once its consumer rejoined under the
     * same static id: that must rewind the loop, not stop the role as if a live twin had its id (chaos, #18).
     */
    @Test
    void aStaleMembershipOfThisInstanceRewindsInsteadOfLookingLikeATwin() {
        producer.sendOffsetsToTransactionException =
                new org.apache.kafka.common.errors.FencedInstanceIdException("instance id is fenced");
        writer.commit(handOff(0));
        await().atMost(Duration.ofSeconds(5)).until(producer::transactionAborted);

        assertThatThrownBy(() -> writer.commit(new Outbox()))
                .isInstanceOf(TransactionWriter.NotAMember.class)
                .satisfies(
                        e -> assertThat(io.batchbridge.common.kafka.GroupMembership.fencedMessage(e, "submitter", "s1"))
                                .as("not taken for a twin")
                                .isEmpty());
        assertThat(producer.history()).isEmpty();
    }

    private static OrphanBatches.Orphan orphan() {
        return new OrphanBatches.Orphan(
                new LaneKey("default", new java.util.TreeSet<>()),
                new io.batchbridge.client.MessageBatch(
                        "msgbatch_1", "in_progress", null, null, null, null, null, null, null),
                java.util.List.of(new io.batchbridge.common.records.Coordinates("requests", 0, 0)),
                java.util.List.of("requests"),
                null);
    }
}
