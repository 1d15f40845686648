package io.batchbridge.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Flow;
import org.junit.jupiter.api.Test;

class ByteChunksPublisherTest {
    /** Records what it receives; asks for {@code batch} more each time it has taken the previous ones. */
    private static final class Recorder implements Flow.Subscriber<ByteBuffer> {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final List<String> signals = new ArrayList<>();
        final long batch;
        final int cancelAfter;
        Flow.Subscription subscription;
        long outstanding;
        int received;

        Recorder(long batch, int cancelAfter) {
            this.batch = batch;
            this.cancelAfter = cancelAfter;
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            if (batch > 0) {
                outstanding = batch;
                s.request(batch);
            }
        }

        @Override
        public void onNext(ByteBuffer item) {
            byte[] b = new byte[item.remaining()];
            item.get(b);
            bytes.writeBytes(b);
            received++;
            signals.add("next");
            if (received == cancelAfter) {
                subscription.cancel();
                return;
            }
            if (--outstanding == 0 && batch > 0) {
                outstanding = batch;
                subscription.request(batch); // reentrant: called from within onNext
            }
        }

        @Override
        public void onError(Throwable t) {
            signals.add("error:" + t.getClass().getSimpleName());
        }

        @Override
        public void onComplete() {
            signals.add("complete");
        }

        String text() {
            return bytes.toString(StandardCharsets.US_ASCII);
        }
    }

    private static List<ByteBuffer> chunks(String... parts) {
        List<ByteBuffer> out = new ArrayList<>();
        for (String p : parts) {
            byte[] b = ("__" + p + "__").getBytes(StandardCharsets.US_ASCII);
            out.add(ByteBuffer.wrap(b, 2, p.length())); // a view: position and limit inside a larger array
        }
        return out;
    }

    @Test
    void deliversEveryChunkInOrderOneAtATimeAndCompletes() {
        ByteChunksPublisher p = new ByteChunksPublisher(chunks("ab", "cde", "f"));
        Recorder r = new Recorder(1, -1);
        p.subscribe(r);
        assertThat(r.text()).isEqualTo("abcdef");
        assertThat(r.signals).containsExactly("next", "next", "next", "complete");
        assertThat(p.length()).isEqualTo(6);
    }

    @Test
    void waitsForDemandAndNeverSendsMoreThanRequested() {
        ByteChunksPublisher p = new ByteChunksPublisher(chunks("a", "b", "c"));
        Recorder r = new Recorder(0, -1); // requests nothing by itself
        p.subscribe(r);
        assertThat(r.signals).isEmpty();
        r.subscription.request(2);
        assertThat(r.text()).isEqualTo("ab");
        assertThat(r.signals).containsExactly("next", "next");
        r.subscription.request(Long.MAX_VALUE);
        r.subscription.request(Long.MAX_VALUE); // no overflow
        assertThat(r.text()).isEqualTo("abc");
        assertThat(r.signals).containsExactly("next", "next", "next", "complete");
    }

    @Test
    void aNewSubscriptionStartsAgainFromTheFirstByte() {
        ByteChunksPublisher p = new ByteChunksPublisher(chunks("hello ", "world"));
        Recorder first = new Recorder(Long.MAX_VALUE, -1);
        Recorder second = new Recorder(1, -1);
        p.subscribe(first);
        p.subscribe(second);
        assertThat(first.text()).isEqualTo("hello world");
        assertThat(second.text()).isEqualTo("hello world");
    }

    @Test
    void stopsOnCancel() {
        Recorder r = new Recorder(Long.MAX_VALUE, 2);
        new ByteChunksPublisher(chunks("a", "b", "c", "d")).subscribe(r);
        assertThat(r.text()).isEqualTo("ab");
        assertThat(r.signals).containsExactly("next", "next");
    }

    @Test
    void reportsANonPositiveRequestAsAnError() {
        Recorder r = new Recorder(0, -1);
        new ByteChunksPublisher(chunks("a")).subscribe(r);
        r.subscription.request(0);
        r.subscription.request(1);
        assertThat(r.signals).containsExactly("error:IllegalArgumentException");
    }

    @Test
    void anEmptyBodyCompletesWithoutDemand() {
        Recorder r = new Recorder(0, -1);
        new ByteChunksPublisher(List.of()).subscribe(r);
        assertThat(r.signals).containsExactly("complete");
    }

    @Test
    void receiversCannotChangeTheBody() {
        byte[] backing = "abc".getBytes(StandardCharsets.US_ASCII);
        ByteChunksPublisher p = new ByteChunksPublisher(List.of(ByteBuffer.wrap(backing)));
        List<ByteBuffer> got = new ArrayList<>();
        p.subscribe(new Flow.Subscriber<>() {
            @Override
            public void onSubscribe(Flow.Subscription s) {
                s.request(1);
            }

            @Override
            public void onNext(ByteBuffer item) {
                got.add(item);
            }

            @Override
            public void onError(Throwable t) {}

            @Override
            public void onComplete() {}
        });
        assertThat(got).hasSize(1);
        assertThat(got.get(0).isReadOnly()).isTrue();
        got.get(0).get(new byte[3]); // consuming a view leaves the next subscriber's view untouched
        Recorder again = new Recorder(1, -1);
        p.subscribe(again);
        assertThat(again.text()).isEqualTo("abc");
    }
}
