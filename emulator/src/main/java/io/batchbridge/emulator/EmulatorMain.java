package io.batchbridge.emulator;

import io.batchbridge.common.model.ModelCatalogue;
import io.batchbridge.emulator.internal.FaultSpec;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * Runs the emulator standalone until terminated. {@code bridge emulator} takes the same options and hands them
 * to {@link #parse}; {@link #OPTIONS} lists them for the test that keeps the CLI, this class and
 * {@code docs/emulator.md} in step.
 *
 * <pre>
 * --port N                port (default 8089; 0 = free port)
 * --host H                bind address (default 127.0.0.1)
 * --time-scale X          simulated seconds per real second (default 1)
 * --faults SPEC           e.g. any:429=0.2,results:drop_mid_stream=0.1
 * --seed N                seed of ids and outcomes (default 42)
 * --api-key K             accept only this key (default: any non-empty key)
 * --models FILE           model catalogue file (default: the shipped catalogue)
 * --error-rate X          fraction of undirected requests that end errored (default 0)
 * --expire-rate X         fraction of undirected requests that expire (default 0)
 * --output-tokens MIN-MAX output length of undirected requests (default 20-600)
 * --tokens-per-second X   simulated generation speed (default 80)
 * --max-queue-time D      longest simulated queue wait of a request (default 10s)
 * --counts-at-end         request counters move only when the batch ends
 * --cancel-delay D        simulated time from cancel to ended (default 10s)
 * --poll-retry-after D    retry-after on polls of an unfinished batch (default 10s; 0 = none)
 * --cache-hit-rate X      prompt-cache hit probability within a batch (default 0.3)
 * </pre>
 */
public final class EmulatorMain {
    /** Every option {@link #parse} takes; {@code --counts-at-end} is the only one without a value. */
    public static final List<String> OPTIONS = List.of(
            "--port",
            "--host",
            "--time-scale",
            "--faults",
            "--seed",
            "--api-key",
            "--models",
            "--error-rate",
            "--expire-rate",
            "--output-tokens",
            "--tokens-per-second",
            "--max-queue-time",
            "--counts-at-end",
            "--cancel-delay",
            "--poll-retry-after",
            "--cache-hit-rate");

    private EmulatorMain() {}

    public static void main(String[] args) throws InterruptedException {
        Emulator emulator;
        try {
            emulator = parse(args).build().start();
        } catch (IllegalArgumentException e) {
            System.err.println("emulator: " + e.getMessage());
            System.exit(2);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            emulator.close();
            stopped.countDown();
        }));
        System.out.println("Message Batches API emulator listening on " + emulator.baseUrl());
        stopped.await();
    }

    /** The builder the arguments describe; throws naming the bad argument. */
    public static Emulator.Builder parse(String[] args) {
        Emulator.Builder b = Emulator.builder().port(8089);
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            String name = arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg;
            if (name.equals("--counts-at-end")) {
                b.progressiveCounts(false);
                continue;
            }
            String value;
            if (arg.contains("=")) {
                value = arg.substring(arg.indexOf('=') + 1);
            } else if (i + 1 < args.length) {
                value = args[++i];
            } else {
                throw new IllegalArgumentException(name + " needs a value");
            }
            apply(b, name, value);
        }
        return b;
    }

    private static void apply(Emulator.Builder b, String name, String value) {
        try {
            switch (name) {
                case "--port" -> b.port(Integer.parseInt(value));
                case "--host" -> b.host(value);
                case "--time-scale" -> b.timeScale(Double.parseDouble(value));
                case "--faults" -> b.faults(value);
                case "--seed" -> b.seed(Long.parseLong(value));
                case "--api-key" -> b.apiKey(value);
                case "--models" -> b.catalogue(ModelCatalogue.fromFile(Path.of(value)));
                case "--error-rate" -> b.errorRate(Double.parseDouble(value));
                case "--expire-rate" -> b.expireRate(Double.parseDouble(value));
                case "--output-tokens" -> outputTokens(b, name, value);
                case "--tokens-per-second" -> b.tokensPerSecond(Double.parseDouble(value));
                case "--max-queue-time" -> b.maxQueueTime(FaultSpec.duration(value));
                case "--cancel-delay" -> b.cancelDelay(FaultSpec.duration(value));
                case "--poll-retry-after" -> b.pollRetryAfter(FaultSpec.duration(value));
                case "--cache-hit-rate" -> b.cacheHitRate(Double.parseDouble(value));
                default -> throw new IllegalArgumentException("unknown option " + name);
            }
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a number but was '" + value + "'");
        } catch (java.io.UncheckedIOException e) {
            throw new IllegalArgumentException(name + ": " + e.getMessage());
        }
    }

    private static void outputTokens(Emulator.Builder b, String name, String value) {
        int dash = value.indexOf('-');
        if (dash <= 0) {
            throw new IllegalArgumentException(name + " must be MIN-MAX (e.g. 20-600) but was '" + value + "'");
        }
        b.outputTokens(Integer.parseInt(value.substring(0, dash)), Integer.parseInt(value.substring(dash + 1)));
    }
}
