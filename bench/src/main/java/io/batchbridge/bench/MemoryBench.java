package io.batchbridge.bench;

import io.batchbridge.client.BatchesClient;
import io.batchbridge.client.MessageBatch;
import io.batchbridge.common.topics.TopicNames;
import io.batchbridge.emulator.Emulator;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Worker memory while fanning out results files of two sizes, each in its own child JVM with the same
 * {@code -Xmx}: the emulator and broker stay in this JVM, the child runs only the worker.
 */
final class MemoryBench {
    static final String XMX = "512m";
    static final int TOKENS = 300_000;

    /** Figures of one child run. */
    record Run(long fileMb, int results, long peakHeapBytes, long liveAfterGcBytes, long rssHwmKb, double seconds) {}

    private final BenchEnv env;

    MemoryBench(BenchEnv env) {
        this.env = env;
    }

    Run run(long fileMb) throws Exception {
        int n = (int) Math.max(1, fileMb * 1_000_000L / (TOKENS * 4L + 800));
        try (Emulator emu = Emulator.builder().timeScale(3600).seed(13).build().start();
                BatchesClient client = BenchEnv.client(emu.baseUrl(), new SimpleMeterRegistry(), 4)) {
            MessageBatch batch = FanoutBench.create(client, n, TOKENS, List.of(BenchEnv.BETA_300K));
            emu.advance(Duration.ofHours(3));
            String prefix =
                    "bench-mem" + fileMb + "-" + UUID.randomUUID().toString().substring(0, 6) + ".";
            TopicNames t = TopicNames.withPrefix(prefix);
            BenchEnv.provision(env.bootstrap(), t, 1);
            BenchEnv.writeTickets(
                    env.bootstrap(), t, List.of(batch), List.of(BenchEnv.items(t, n)), List.of(BenchEnv.BETA_300K));
            return child(fileMb, n, prefix, emu.baseUrl());
        }
    }

    private Run child(long fileMb, int n, String prefix, String baseUrl) throws Exception {
        Path java = Paths.get(System.getProperty("java.home"), "bin", "java");
        List<String> cmd = new ArrayList<>(List.of(
                java.toString(),
                "-Xmx" + XMX,
                "-DBRIDGE_LOG_LEVEL=WARN",
                "-cp",
                System.getProperty("java.class.path"),
                MemoryChild.class.getName(),
                env.bootstrap(),
                baseUrl,
                prefix,
                String.valueOf(n)));
        BenchEnv.propertiesWithPrefix("bench.worker.").forEach((k, v) -> cmd.add(2, "-Dbench.worker." + k + "=" + v));
        String jvmOptions = System.getProperty("bench.memory.jvm", "").trim();
        if (!jvmOptions.isEmpty()) {
            cmd.addAll(2, List.of(jvmOptions.split("\\s+")));
        }
        String jfr = System.getProperty("bench.memory.jfr");
        if (jfr != null) {
            cmd.add(2, "-XX:StartFlightRecording=filename=" + jfr + "-" + fileMb + "mb.jfr,settings=profile");
        }
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String figures = null;
        try (BufferedReader out =
                new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                if (line.startsWith(MemoryChild.PREFIX)) {
                    figures = line;
                } else if (line.contains("ERROR") || line.contains("Exception")) {
                    Bench.log("  child: %s", line);
                }
            }
        }
        if (!p.waitFor(15, TimeUnit.MINUTES) || p.exitValue() != 0 || figures == null) {
            p.destroyForcibly();
            throw new IllegalStateException("memory child for " + fileMb + " MB failed (exit "
                    + (p.isAlive() ? "timeout" : p.exitValue()) + ")");
        }
        String[] f = figures.substring(MemoryChild.PREFIX.length()).trim().split(" ");
        return new Run(
                fileMb,
                n,
                Long.parseLong(value(f[0])),
                Long.parseLong(value(f[1])),
                Long.parseLong(value(f[2])),
                Double.parseDouble(value(f[3])));
    }

    private static String value(String kv) {
        return kv.substring(kv.indexOf('=') + 1);
    }
}
