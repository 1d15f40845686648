package io.batchbridge.worker.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.batchbridge.client.BatchesApiException;
import io.batchbridge.client.ResultLine;
import io.batchbridge.client.ResultType;
import io.batchbridge.client.Usage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class PrefetchedResultsTest {

    private static ResultLine line(int i, int messageBytes) {
        return new ResultLine(
                "c" + i, ResultType.SUCCEEDED, null, null, "m", "end_turn", Usage.ZERO, new byte[messageBytes]);
    }

    /** Counts the lines handed out and the closes; optionally fails after {@code failAfter} lines. */
    private static final class Source implements Iterator<ResultLine> {
        final int count;
        final int messageBytes;
        final int failAfter;
        final AtomicInteger produced = new AtomicInteger();
        final AtomicBoolean released = new AtomicBoolean();
        final CountDownLatch aborted = new CountDownLatch(1);

        Source(int count, int messageBytes, int failAfter) {
            this.count = count;
            this.messageBytes = messageBytes;
            this.failAfter = failAfter;
        }

        @Override
        public boolean hasNext() {
            if (produced.get() == failAfter) {
                throw new BatchesApiException(
                        "results", 200, BatchesApiException.STREAM_BROKEN, "broke", null, null, true, false, null);
            }
            return produced.get() < count && aborted.getCount() > 0;
        }

        @Override
        public ResultLine next() {
            int i = produced.getAndIncrement();
            return line(i, messageBytes);
        }
    }

    private static PrefetchedResults ahead(Source s, long maxBytes) {
        return new PrefetchedResults(s, s.aborted::countDown, () -> s.released.set(true), maxBytes, "test-reader");
    }

    @Test
    void deliversEveryLineInOrderAndReleasesTheSource() {
        Source s = new Source(1_000, 100, -1);
        List<String> ids = new ArrayList<>();
        try (PrefetchedResults p = ahead(s, 10_000)) {
            while (p.hasNext()) {
                ids.add(p.next().customId());
            }
            assertThat(p.hasNext()).isFalse();
        }
        assertThat(ids).hasSize(1_000).startsWith("c0", "c1").endsWith("c999");
        assertThat(s.released).isTrue();
    }

    @Test
    void readsAheadNoMoreThanTheBoundButAlwaysAdmitsOneLine() {
        // 1 KB lines (+64 accounting) under a 5,000-byte bound: at most 4 queued, plus the one in the reader's hand.
        Source small = new Source(1_000, 1_000, -1);
        try (PrefetchedResults p = ahead(small, 5_000)) {
            await().atMost(Duration.ofSeconds(10)).until(() -> small.produced.get() >= 5);
            assertThat(p.queuedBytes()).isLessThanOrEqualTo(5_000);
            assertThat(small.produced.get()).isLessThanOrEqualTo(6);
            p.next();
            await().atMost(Duration.ofSeconds(10)).until(() -> small.produced.get() >= 6);
            assertThat(small.produced.get()).isLessThanOrEqualTo(7);
        }
        // A line larger than the bound still passes, alone.
        Source big = new Source(3, 50_000, -1);
        try (PrefetchedResults p = ahead(big, 5_000)) {
            await().atMost(Duration.ofSeconds(10)).until(() -> p.queuedBytes() > 0);
            assertThat(p.queuedBytes()).isEqualTo(50_064);
            int n = 0;
            while (p.hasNext()) {
                assertThat(p.next().message()).hasSize(50_000);
                n++;
            }
            assertThat(n).isEqualTo(3);
        }
    }

    @Test
    void rethrowsTheStreamFailureAfterTheLinesBeforeIt() {
        Source s = new Source(100, 10, 7);
        try (PrefetchedResults p = ahead(s, 1_000_000)) {
            for (int i = 0; i < 7; i++) {
                assertThat(p.next().customId()).isEqualTo("c" + i);
            }
            assertThatThrownBy(p::hasNext)
                    .isInstanceOf(BatchesApiException.class)
                    .hasMessageContaining("broke");
        }
        assertThat(s.released).isTrue();
    }

    @Test
    void closeAbortsTheSourceStopsTheReaderAndDiscardsWhatWasReadAhead() throws InterruptedException {
        Source s = new Source(Integer.MAX_VALUE, 1_000, -1);
        PrefetchedResults p = ahead(s, 10_000);
        await().atMost(Duration.ofSeconds(10)).until(() -> p.queuedBytes() > 5_000);
        p.close();
        assertThat(s.aborted.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(s.released).isTrue();
        assertThat(p.queuedBytes()).isZero();
        int after = s.produced.get();
        await().during(Duration.ofMillis(100))
                .atMost(Duration.ofSeconds(1))
                .untilAsserted(() -> assertThat(s.produced.get()).isEqualTo(after));
    }
}
