package io.batchbridge.client.internal;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Publishes byte chunks that already sit in memory as read-only {@link ByteBuffer} views, without copying
 * them: the JDK's {@code BodyPublishers.ofByteArray(s)} copy every byte into fresh 16 KB buffers first, which
 * for a create body of tens of MB is as much allocation again as the body itself. Each subscription starts
 * from the first chunk, so a retried request can send the same body again. Honours demand
 * ({@code request(n)}), cancellation and reentrant {@code request} calls from {@code onNext}.
 */
public final class ByteChunksPublisher implements Flow.Publisher<ByteBuffer> {
    private final List<ByteBuffer> chunks;

    /** @param chunks each chunk's bytes from its position to its limit; never modified */
    public ByteChunksPublisher(List<ByteBuffer> chunks) {
        this.chunks = List.copyOf(chunks);
    }

    /** Total bytes one subscription delivers. */
    public long length() {
        long n = 0;
        for (ByteBuffer b : chunks) {
            n += b.remaining();
        }
        return n;
    }

    @Override
    public void subscribe(Flow.Subscriber<? super ByteBuffer> subscriber) {
        Objects.requireNonNull(subscriber, "subscriber");
        Subscription s = new Subscription(subscriber);
        subscriber.onSubscribe(s);
        s.drain(); // completes an empty body without waiting for demand
    }

    private final class Subscription implements Flow.Subscription {
        private final Flow.Subscriber<? super ByteBuffer> subscriber;
        private final AtomicLong demand = new AtomicLong();
        private final AtomicInteger wip = new AtomicInteger();
        private volatile boolean done;
        private volatile long invalidRequest;
        private int next;

        Subscription(Flow.Subscriber<? super ByteBuffer> subscriber) {
            this.subscriber = subscriber;
        }

        @Override
        public void request(long n) {
            if (n <= 0) {
                invalidRequest = n == 0 ? -1 : n; // reported by the drain loop (Reactive Streams §3.9)
            } else {
                demand.getAndAccumulate(n, (a, b) -> a + b < 0 ? Long.MAX_VALUE : a + b);
            }
            drain();
        }

        @Override
        public void cancel() {
            done = true;
        }

        /** Only one thread emits at a time; a request arriving meanwhile makes it loop once more. */
        void drain() {
            if (wip.getAndIncrement() != 0) {
                return;
            }
            int missed = 1;
            do {
                if (done) {
                    return;
                }
                if (invalidRequest != 0) {
                    done = true;
                    subscriber.onError(new IllegalArgumentException(
                            "request(n) needs n > 0 but was " + (invalidRequest == -1 ? 0 : invalidRequest)));
                    return;
                }
                long wanted = demand.get();
                long sent = 0;
                while (sent != wanted && next < chunks.size() && !done) {
                    subscriber.onNext(chunks.get(next++).asReadOnlyBuffer());
                    sent++;
                }
                if (sent != 0) {
                    demand.addAndGet(-sent);
                }
                if (next == chunks.size() && !done) {
                    done = true;
                    subscriber.onComplete();
                    return;
                }
                missed = wip.addAndGet(-missed);
            } while (missed != 0);
        }
    }
}
