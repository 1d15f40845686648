package io.batchbridge.cli;

import io.batchbridge.emulator.Emulator;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code bridge emulator}: the local Message Batches API emulator on its own, until Ctrl-C. */
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

    @Option(names = "--port", description = "Port; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    int port = 8089;

    @Option(names = "--host", description = "Address to bind (default: ${DEFAULT-VALUE}).")
    String host = "127.0.0.1";

    @Option(names = "--time-scale", description = "Simulated seconds per real second (default: ${DEFAULT-VALUE}).")
    double timeScale = 1;

    @Option(
            names = "--faults",
            paramLabel = "<spec>",
            description = "Faults to inject, e.g. any:429=0.05,results:drop_mid_stream=0.01 (docs/emulator.md).")
    String faults;

    @Option(names = "--seed", description = "Seed of batch ids, outcomes and lengths (default: ${DEFAULT-VALUE}).")
    long seed = 42;

    @Option(names = "--api-key", description = "Accept only this key (default: any non-empty key).")
    String apiKey;

    final StopSignal signal = new StopSignal();

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        Emulator emulator;
        try {
            Emulator.Builder b = Emulator.builder()
                    .port(port)
                    .host(host)
                    .timeScale(timeScale)
                    .seed(seed);
            if (faults != null) {
                b.faults(faults);
            }
            if (apiKey != null) {
                b.apiKey(apiKey);
            }
            emulator = b.build().start();
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

    /** Stops the emulator, as Ctrl-C does. */
    void stop() {
        signal.request();
    }
}
