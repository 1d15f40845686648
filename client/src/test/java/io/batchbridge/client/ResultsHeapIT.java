package io.batchbridge.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.batchbridge.emulator.Emulator;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Streams a multi-GB results file from the emulator through a JVM with a 256 MB heap (failsafe execution
 * {@code bounded-heap} in this module's pom). If memory grew with the file, this would die with an
 * OutOfMemoryError long before the end. Writes the measured throughput to
 * {@code target/results-throughput.txt}.
 */
class ResultsHeapIT {
    private static final long TARGET_BYTES = Long.getLong("heapit.bytes", 2L * 1024 * 1024 * 1024);
    private static final int OUTPUT_TOKENS = 300_000;

    @Test
    @Timeout(300)
    void aMultiGigabyteResultsStreamIsConsumedWithABoundedHeap() throws IOException {
        long maxHeap = Runtime.getRuntime().maxMemory();
        assertThat(maxHeap).as("this test must run with a small heap").isLessThan(300L * 1024 * 1024);

        try (Emulator emulator = Emulator.builder()
                        .port(0)
                        .timeScale(36_000)
                        .seed(1)
                        .faults("")
                        .build()
                        .start();
                BatchesClient client = new BatchesClient(
                        Fixtures.account(emulator),
                        Fixtures.settings(Map.of()),
                        new SimpleMeterRegistry(),
                        Clock.systemUTC())) {
            MessageBatch batch = endedBatchOf(client, sizeOfOneLine(client));
            resetPeaks();
            long start = System.nanoTime();
            long lines = 0;
            long messageBytes = 0;
            int maxBuffer = 0;
            long liveAtHalf = -1;
            long half = batch.requestCounts().total() / 2;
            try (ResultStream results = client.results(batch)) {
                while (results.hasNext()) {
                    ResultLine line = results.next();
                    if (lines == half) {
                        liveAtHalf = liveHeapAfterGc();
                    }
                    assertThat(line.type()).isEqualTo(ResultType.SUCCEEDED);
                    assertThat(line.usage().outputTokens()).isEqualTo(OUTPUT_TOKENS);
                    messageBytes += line.message().length;
                    lines++;
                    maxBuffer = Math.max(maxBuffer, results.bufferCapacity());
                }
                double seconds = (System.nanoTime() - start) / 1e9;
                long bytes = results.bytesRead();
                long peakHeap = peakHeapUsed();
                String report = String.format(
                        "results read: %d lines, %.1f MB in %.1f s = %.0f MB/s; max heap %d MB, peak heap used %d MB,"
                                + " live heap half-way %d MB, read buffer %d KB%n",
                        lines,
                        bytes / 1e6,
                        seconds,
                        bytes / 1e6 / seconds,
                        maxHeap >> 20,
                        peakHeap >> 20,
                        liveAtHalf >> 20,
                        maxBuffer >> 10);
                System.out.print(report);
                Files.writeString(Path.of("target", "results-throughput.txt"), report, StandardCharsets.UTF_8);

                assertThat(lines).isEqualTo(batch.requestCounts().total());
                assertThat(bytes).isGreaterThanOrEqualTo(TARGET_BYTES);
                assertThat(messageBytes).isGreaterThan(bytes * 9 / 10);
                assertThat(maxBuffer).isLessThan(8 * 1024 * 1024);
                // What can fail: the stream is many times the heap, so it went through without being held, and
                // half-way through what stays reachable after a full GC (emulator, client, one line, the read
                // buffer) is a small fixed amount, not a share of the file. Neither depends on machine speed.
                assertThat(bytes).isGreaterThan(8 * maxHeap);
                assertThat(liveAtHalf).isBetween(0L, 48L << 20);
            }
        }
    }

    /** Runs one request to learn the size of a line, so the big batch can be sized to reach the target. */
    private static long sizeOfOneLine(BatchesClient client) {
        MessageBatch probe = endedBatch(client, 1);
        try (ResultStream results = client.results(probe)) {
            results.forEachRemaining(l -> {});
            return results.bytesRead();
        }
    }

    private static MessageBatch endedBatchOf(BatchesClient client, long lineBytes) {
        int requests = (int) ((TARGET_BYTES + lineBytes - 1) / lineBytes);
        return endedBatch(client, requests);
    }

    private static MessageBatch endedBatch(BatchesClient client, int requests) {
        CreateBody.Builder b = CreateBody.inMemory();
        for (int i = 0; i < requests; i++) {
            b.add(
                    "r" + i,
                    Fixtures.params(
                            "claude-opus-4-6", OUTPUT_TOKENS, "output_tokens=" + OUTPUT_TOKENS + " outcome=succeeded"));
        }
        String id = client.create(b.build(), List.of("output-300k-2026-03-24")).id();
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> client.retrieve(id).ended());
        return client.retrieve(id);
    }

    private static void resetPeaks() {
        System.gc();
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            pool.resetPeakUsage();
        }
    }

    private static long liveHeapAfterGc() {
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static long peakHeapUsed() {
        long sum = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                sum += pool.getPeakUsage().getUsed();
            }
        }
        return sum;
    }
}
