package io.batchbridge.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

class ThreadCpuTest {
    @Test
    void threadsGroupByNameWithoutNumbersOrKafkaClientIds() {
        assertThat(ThreadCpu.group("emulator-http-17")).isEqualTo("emulator-http-N");
        assertThat(ThreadCpu.group("kafka-producer-network-thread | producer-bench-3f2a"))
                .isEqualTo("kafka-producer-network-thread");
        assertThat(ThreadCpu.group("submitter-poll")).isEqualTo("submitter-poll");
    }

    @Test
    void cpuSpentBetweenSnapshotsIsCountedForTheThreadThatSpentIt() throws InterruptedException {
        ThreadCpu before = ThreadCpu.snapshot();
        CountDownLatch measured = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Thread busy = new Thread(
                () -> {
                    // spin until this thread has used 100 ms of CPU, however busy the machine is
                    java.lang.management.ThreadMXBean threads =
                            java.lang.management.ManagementFactory.getThreadMXBean();
                    long x = 0;
                    while (threads.getCurrentThreadCpuTime() < 100_000_000L) {
                        x += Long.numberOfTrailingZeros(x + System.nanoTime());
                    }
                    measured.countDown();
                    try {
                        release.await(); // stay alive: ended threads are not counted
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                },
                "busy-worker-1");
        busy.start();
        measured.await();
        Map<String, Long> ms = ThreadCpu.snapshot().since(before);
        release.countDown();
        busy.join();

        assertThat(ms).containsKey("busy-worker-N");
        assertThat(ms.get("busy-worker-N")).isGreaterThanOrEqualTo(50L);
        assertThat(ThreadCpu.top(ms, 1)).startsWith(ms.keySet().iterator().next() + " ");
    }
}
