package io.batchbridge.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Streams a multi-gigabyte results file (2,500 results of 300,000 tokens, about 3 GB) through a JVM whose
 * heap is capped at 256 MB (a dedicated failsafe execution sets {@code -Xmx256m}). Server and client share that
 * heap, so holding the file anywhere would fail with an OutOfMemoryError. The serving rate is printed, never
 * asserted: it depends on how busy the machine is.
 */
class LargeResultsStreamIT {
    private static final int REQUESTS = 2_500;
    private static final long TOKENS = 300_000;

    @Test
    @Timeout(120)
    void streamsAMultiGigabyteResultsFileInBoundedHeap() throws Exception {
        try (Emulator emulator = Emulator.builder().build().start()) {
            HttpClient http = HttpClient.newHttpClient();
            String id = create(http, emulator);
            emulator.advance(Duration.ofHours(2));

            resetPeaks();
            long started = System.nanoTime();
            long bytes = 0;
            long lines = 0;
            HttpRequest get = RawHttp.get(emulator, "/v1/messages/batches/" + id + "/results");
            HttpResponse<InputStream> response = http.send(get, HttpResponse.BodyHandlers.ofInputStream());
            assertThat(response.statusCode()).isEqualTo(200);
            byte[] buf = new byte[256 * 1024];
            byte last = '\n';
            try (InputStream in = response.body()) {
                int n;
                while ((n = in.read(buf)) > 0) {
                    bytes += n;
                    for (int i = 0; i < n; i++) {
                        if (buf[i] == '\n') {
                            lines++;
                        }
                    }
                    last = buf[n - 1];
                }
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            double mbPerSecond = bytes / 1e6 / seconds;
            long peakHeap = peakHeapBytes();
            String report = String.format(
                    "streamed %d lines, %.2f GB in %.1f s = %.0f MB/s; peak heap %d MB of max %d MB%n",
                    lines,
                    bytes / 1e9,
                    seconds,
                    mbPerSecond,
                    peakHeap >> 20,
                    Runtime.getRuntime().maxMemory() >> 20);
            System.out.print(report);
            Files.writeString(Path.of("target", "large-results-stream.txt"), report, StandardCharsets.UTF_8);

            assertThat(lines).isEqualTo(REQUESTS);
            assertThat(last).isEqualTo((byte) '\n');
            assertThat(bytes).isGreaterThan(REQUESTS * TOKENS * 4);
            // The bound that holds on any machine: the whole file went through a heap capped far below its size
            // (-Xmx256m for this execution). The rate is printed only: it depends on how busy the machine is, and
            // the serving speed that matters is measured by `./bridge bench`.
            assertThat(Runtime.getRuntime().maxMemory()).isLessThan(300L << 20);
            assertThat(bytes).isGreaterThan(10 * Runtime.getRuntime().maxMemory());
        }
    }

    private static String create(HttpClient http, Emulator emulator) throws Exception {
        StringBuilder body = new StringBuilder("{\"requests\":[");
        for (int i = 0; i < REQUESTS; i++) {
            body.append(i == 0 ? "" : ",")
                    .append("{\"custom_id\":\"big-")
                    .append(i)
                    .append("\",\"params\":{\"model\":\"claude-opus-4-6\",\"max_tokens\":300000,")
                    .append(
                            "\"messages\":[{\"role\":\"user\",\"content\":\"Write. #emulate output_tokens=300000\"}]}}");
        }
        body.append("]}");
        HttpRequest post = RawHttp.request(emulator, "/v1/messages/batches")
                .header("anthropic-beta", "output-300k-2026-03-24")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
                .build();
        HttpResponse<String> created = http.send(post, HttpResponse.BodyHandlers.ofString());
        assertThat(created.statusCode()).isEqualTo(200);
        return RawHttp.json(created.body()).get("id").asText();
    }

    private static void resetPeaks() {
        System.gc();
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            pool.resetPeakUsage();
        }
    }

    private static long peakHeapBytes() {
        long sum = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP && pool.getPeakUsage() != null) {
                sum += pool.getPeakUsage().getUsed();
            }
        }
        return sum;
    }
}
