package io.batchbridge.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class CpuByGroupTest {
    @Test
    void tablesMicrosecondsPerItemByGroupLargestDifferenceFirstWithTotals() {
        CpuByGroup bridge = CpuByGroup.of(Map.of(
                "worker-fanout-N",
                40_000_000L, // 40 ms over 1,000 items = 40 µs
                "kafka-producer-network-thread",
                12_000_000L,
                CpuByGroup.BROKER,
                30_000_000L,
                "tiny",
                100_000L));
        CpuByGroup producer = CpuByGroup.of(Map.of("main", 20_000_000L, "kafka-producer-network-thread", 10_000_000L));
        CpuByGroup download = CpuByGroup.of(Map.of("main", 5_000_000L, CpuByGroup.BROKER, 20_000_000L));

        String table = CpuByGroup.table("title", "worker", bridge, "floor", producer.plus(download), 1_000);

        assertThat(table.lines())
                .containsExactly(
                        "title",
                        "| thread group | worker µs/item | floor µs/item | difference |",
                        "|---|---:|---:|---:|",
                        "| worker-fanout-N | 40.0 | 0.0 | +40.0 |",
                        "| main | 0.0 | 25.0 | -25.0 |",
                        "| " + CpuByGroup.BROKER + " | 30.0 | 20.0 | +10.0 |",
                        "| kafka-producer-network-thread | 12.0 | 10.0 | +2.0 |",
                        "| **total** | 82.1 | 55.0 | +27.1 |");
    }

    @Test
    void aWindowCountsTheCpuOfTheThreadsThatSpentItAndTheRest() {
        CpuByGroup.Window w = CpuByGroup.start();
        ThreadLocalSpin.spin(50_000_000L);
        CpuByGroup split = w.stop();

        assertThat(split.nanos()).containsKey(CpuByGroup.REST);
        assertThat(split.nanos().get(ThreadCpu.group(Thread.currentThread().getName())))
                .isGreaterThanOrEqualTo(50_000_000L);
        assertThat(split.totalNanos()).isGreaterThanOrEqualTo(50_000_000L);
    }

    @Test
    void aThreadThatEndedInsideTheWindowCountsUnderItsOwnGroup() throws InterruptedException {
        CpuByGroup.Window w = CpuByGroup.start();
        Thread reader = new Thread(
                () -> {
                    ThreadLocalSpin.spin(30_000_000L);
                    long self = Thread.currentThread().getId(); // Awaitility polls on a thread of its own
                    org.awaitility.Awaitility.await()
                            .atMost(java.time.Duration.ofSeconds(30))
                            .until(() -> w.seen(self, 30_000_000L));
                },
                "results-reader-7");
        reader.start();
        reader.join();
        CpuByGroup split = w.stop();

        assertThat(split.nanos().get("results-reader-N")).isGreaterThanOrEqualTo(30_000_000L);
    }

    /** Spins the current thread until it used {@code nanos} of CPU, however busy the machine is. */
    private static final class ThreadLocalSpin {
        static void spin(long nanos) {
            java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
            long start = threads.getCurrentThreadCpuTime();
            long x = 0;
            while (threads.getCurrentThreadCpuTime() - start < nanos) {
                x += Long.numberOfTrailingZeros(x + System.nanoTime());
            }
            if (x == 42) {
                System.out.print("");
            }
        }
    }
}
