package io.batchbridge.cli;

import io.batchbridge.emulator.Emulator;
import io.batchbridge.emulator.EmulatorMain;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code bridge emulator}: the local Message Batches API emulator on its own, until Ctrl-C. Takes exactly the
 * options of {@link EmulatorMain} and hands them to {@link EmulatorMain#parse}, so both read them one way
 * ({@code EmulatorOptionsTest} keeps the two lists and {@code docs/emulator.md} in step).
 */
@Command(
        name = "emulator",
        mixinStandardHelpOptions = true,
        description = {
            "Run the Message Batches API emulator until Ctrl-C (see docs/emulator.md).",
            "Point a role at it with ANTHROPIC_BASE_URL=<printed URL> and any ANTHROPIC_API_KEY."
        })
final class EmulatorCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--port", paramLabel = "N", description = "Port; 0 picks a free one (default: 8089).")
    String port;

    @Option(names = "--host", paramLabel = "H", description = "Address to bind (default: 127.0.0.1).")
    String host;

    @Option(names = "--time-scale", paramLabel = "X", description = "Simulated seconds per real second (default: 1).")
    String timeScale;

    @Option(
            names = "--faults",
            paramLabel = "<spec>",
            description = "Faults to inject, e.g. any:429=0.05,results:drop_mid_stream=0.01 (docs/emulator.md).")
    String faults;

    @Option(names = "--seed", paramLabel = "N", description = "Seed of batch ids, outcomes and lengths (default: 42).")
    String seed;

    @Option(names = "--api-key", paramLabel = "K", description = "Accept only this key (default: any non-empty key).")
    String apiKey;

    @Option(
            names = "--models",
            paramLabel = "FILE",
            description = "Model catalogue file, shaped like models.json (default: the shipped catalogue).")
    String models;

    @Option(
            names = "--error-rate",
            paramLabel = "X",
            description = "Share of requests without a directive that end errored (default: 0).")
    String errorRate;

    @Option(
            names = "--expire-rate",
            paramLabel = "X",
            description = "Share of requests without a directive that expire (default: 0).")
    String expireRate;

    @Option(
            names = "--output-tokens",
            paramLabel = "MIN-MAX",
            description = "Output length of requests without a directive (default: 20-600).")
    String outputTokens;

    @Option(names = "--tokens-per-second", paramLabel = "X", description = "Simulated generation speed (default: 80).")
    String tokensPerSecond;

    @Option(
            names = "--max-queue-time",
            paramLabel = "D",
            description = "Longest simulated queue wait of a request, e.g. 10s (default: 10s).")
    String maxQueueTime;

    @Option(names = "--counts-at-end", description = "Request counters stay at processing until the batch ends.")
    boolean countsAtEnd;

    @Option(
            names = "--cancel-delay",
            paramLabel = "D",
            description = "Simulated time from cancel to ended (default: 10s).")
    String cancelDelay;

    @Option(
            names = "--poll-retry-after",
            paramLabel = "D",
            description = "retry-after on polls of an unfinished batch; 0 sends none (default: 10s).")
    String pollRetryAfter;

    @Option(
            names = "--cache-hit-rate",
            paramLabel = "X",
            description = "Prompt-cache hit probability among requests of one batch, 0-1 (default: 0.3).")
    String cacheHitRate;

    final StopSignal signal = new StopSignal();

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        Emulator emulator;
        try {
            emulator = EmulatorMain.parse(arguments()).build().start();
        } catch (IllegalArgumentException e) {
            spec.commandLine().getErr().println("bridge emulator: " + e.getMessage());
            spec.commandLine().getErr().flush();
            return 2;
        }
        try (StopSignal s = signal.arm("bridge-emulator", Duration.ofSeconds(10));
                Emulator running = emulator) {
            out.println("Message Batches API emulator listening on " + running.baseUrl() + " (Ctrl-C stops it)");
            out.flush();
            s.await();
        }
        return 0;
    }

    /** The options given on the command line, as {@link EmulatorMain#parse} takes them. */
    String[] arguments() {
        List<String> args = new ArrayList<>();
        for (OptionSpec o : spec.options()) {
            if (!o.longestName().startsWith("--") || o.usageHelp() || o.versionHelp()) {
                continue;
            }
            Object value = o.getValue();
            if (value instanceof Boolean flag) {
                if (flag) {
                    args.add(o.longestName());
                }
            } else if (value != null) {
                args.add(o.longestName());
                args.add(value.toString());
            }
        }
        return args.toArray(String[]::new);
    }

    /** Stops the emulator, as Ctrl-C does. */
    void stop() {
        signal.request();
    }
}
