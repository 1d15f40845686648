package io.batchbridge.client.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class ReadAheadTest {

    /** Serves {@code data} in reads of random sizes, and checks on every read that the ring is never overrun. */
    private static final class Source extends InputStream {
        private final byte[] data;
        private final Random sizes;
        private final int capacity;
        private final AtomicReference<ReadAhead> ahead = new AtomicReference<>();
        private final AtomicReference<String> overrun = new AtomicReference<>();
        private final AtomicLong served = new AtomicLong();
        private final AtomicBoolean closed = new AtomicBoolean();
        private int pos;

        Source(byte[] data, long seed, int capacity) {
            this.data = data;
            this.sizes = new Random(seed);
            this.capacity = capacity;
        }

        @Override
        public int read() {
            throw new UnsupportedOperationException("the read-ahead reads in blocks");
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (pos == data.length) {
                return -1;
            }
            ReadAhead r = ahead.get();
            // What the consumer has not taken only shrinks concurrently, so a sum above the ring is a real overrun.
            if (r != null && r.buffered() + len > capacity) {
                overrun.set("asked for " + len + " bytes with " + r.buffered() + " buffered in a ring of " + capacity);
            }
            int n = Math.min(Math.min(len, data.length - pos), 1 + sizes.nextInt(3 * capacity));
            System.arraycopy(data, pos, b, off, n);
            pos += n;
            served.addAndGet(n);
            return n;
        }

        @Override
        public void close() {
            closed.set(true);
        }
    }

    private static ReadAhead over(Source s) {
        ReadAhead r = new ReadAhead(s, s.capacity, "test-read-ahead");
        s.ahead.set(r);
        return r;
    }

    @Property(tries = 200)
    void deliversTheSourceBytesInOrderWhateverTheChunkingAndNeverOverrunsTheRing(
            @ForAll @IntRange(max = 20_000) int length,
            @ForAll @IntRange(min = 1, max = 4_096) int capacity,
            @ForAll @IntRange(min = 1, max = 10_000) int readSize,
            @ForAll long seed)
            throws IOException {
        byte[] data = new byte[length];
        new Random(seed).nextBytes(data);
        Source source = new Source(data, seed, capacity);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ReadAhead r = over(source)) {
            byte[] buf = new byte[readSize];
            int n;
            while ((n = r.read(buf, 0, buf.length)) >= 0) {
                assertThat(n).isPositive();
                out.write(buf, 0, n);
            }
            assertThat(r.read(buf, 0, 1)).isEqualTo(-1);
        }
        assertThat(out.toByteArray()).isEqualTo(data);
        assertThat(source.overrun.get()).isNull();
        assertThat(source.closed).isTrue();
    }

    @Test
    @Timeout(20)
    void readsAheadUpToTheRingWhileTheConsumerIsBusyAndNoFurther() throws IOException {
        byte[] data = new byte[100_000];
        Source source = new Source(data, 7, 10_000);
        try (ReadAhead r = over(source)) {
            int first = r.read(new byte[100], 0, 100);
            assertThat(first).isPositive();
            // The consumer does nothing now: the reader fills the ring and waits.
            await().atMost(Duration.ofSeconds(10)).until(() -> r.buffered() == 10_000);
            assertThat(source.served.get()).isEqualTo(first + 10_000L);
            assertThat(first + r.readAllBytes().length).isEqualTo(data.length);
        }
        assertThat(source.overrun.get()).isNull();
    }

    @Test
    @Timeout(20)
    void aSourceFailureComesAfterTheBytesReadBeforeItUnchanged() throws IOException {
        IOException broken = new IOException("connection reset");
        InputStream failing = new InputStream() {
            private boolean served;

            @Override
            public int read() {
                throw new UnsupportedOperationException();
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (served) {
                    throw broken;
                }
                served = true;
                b[off] = 'x';
                b[off + 1] = 'y';
                return 2;
            }
        };
        try (ReadAhead r = new ReadAhead(failing, 1_000, "test-read-ahead")) {
            byte[] buf = new byte[10];
            int got = 0;
            while (got < 2) {
                got += r.read(buf, got, buf.length - got);
            }
            assertThat(new String(buf, 0, 2, java.nio.charset.StandardCharsets.US_ASCII))
                    .isEqualTo("xy");
            assertThatThrownBy(() -> r.read(buf, 0, 10)).isSameAs(broken);
        }
    }

    @Test
    @Timeout(20)
    void closingFromAnotherThreadFailsABlockedReadAndClosesTheSource() throws Exception {
        CountDownLatch closedSource = new CountDownLatch(1);
        InputStream silent = new InputStream() {
            @Override
            public int read() {
                throw new UnsupportedOperationException();
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                try {
                    closedSource.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                throw new IOException("closed under the read");
            }

            @Override
            public void close() {
                closedSource.countDown();
            }
        };
        ExecutorService consumer = Executors.newSingleThreadExecutor();
        try {
            ReadAhead r = new ReadAhead(silent, 1_000, "test-read-ahead");
            Future<Integer> blocked = consumer.submit(() -> r.read(new byte[10], 0, 10));
            await().atMost(Duration.ofSeconds(10)).until(ReadAheadTest::aReadIsWaiting);
            r.close();
            assertThatThrownBy(blocked::get).hasCauseInstanceOf(IOException.class);
            assertThat(closedSource.getCount()).isZero();
            assertThatThrownBy(() -> r.read(new byte[1], 0, 1)).isInstanceOf(IOException.class);
        } finally {
            consumer.shutdownNow();
        }
    }

    @Test
    void aRingOfNoBytesIsRefused() {
        assertThatThrownBy(() -> new ReadAhead(InputStream.nullInputStream(), 0, "x"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    /** True once a consumer thread waits inside {@link ReadAhead#read} (on the ring's condition). */
    private static boolean aReadIsWaiting() {
        return Thread.getAllStackTraces().entrySet().stream()
                .anyMatch(e -> e.getKey().getName().startsWith("pool-")
                        && e.getKey().getState() == Thread.State.WAITING
                        && java.util.Arrays.stream(e.getValue())
                                .anyMatch(f -> f.getClassName().equals(ReadAhead.class.getName())));
    }
}
