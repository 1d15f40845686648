package io.batchbridge.worker.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** A fan-out thread never goes missing silently: one that dies is counted, reported and replaced. */
class FanoutPoolTest {

    @Test
    void aThreadWhoseFanOutCannotBeBuiltIsReplaced() throws InterruptedException {
        AtomicInteger builds = new AtomicInteger();
        AtomicInteger exits = new AtomicInteger();
        AtomicInteger replaced = new AtomicInteger();
        try (BatchLifecycle lifecycle = new BatchLifecycle(b -> {})) {
            FanoutPool pool = new FanoutPool(
                    1,
                    lifecycle,
                    n -> {
                        if (builds.incrementAndGet() == 1) {
                            throw new IllegalStateException("initTransactions timed out");
                        }
                        return null; // no job ever comes in this test
                    },
                    n -> exits::incrementAndGet,
                    () -> {
                        replaced.incrementAndGet();
                    });
            pool.start();
            await().atMost(Duration.ofSeconds(30)).until(() -> builds.get() == 2);
            assertThat(replaced).hasValue(1);
            assertThat(exits).as("the dead thread closed its clients").hasValueGreaterThanOrEqualTo(1);
            await().atMost(Duration.ofSeconds(30)).until(() -> pool.threadsDown() == 0);
            pool.close();
            assertThat(pool.join(Duration.ofSeconds(30))).isTrue();
            assertThat(replaced)
                    .as("a thread that stops when told is not replaced")
                    .hasValue(1);
        }
    }
}
