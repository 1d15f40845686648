package io.batchbridge.bench;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ./bridge bench}: measured runs against their baselines; prints a table and, last, one summary line. */
@Command(
        name = "bridge bench",
        mixinStandardHelpOptions = true,
        description = "Benchmarks: fan-out, peer, intake, memory, tracking, latency, open, worker scaling, cost (see"
                + " docs/benchmarks.md).")
public final class BenchMain implements Callable<Integer> {
    @Option(names = "--quick", description = "Small sizes: the whole run takes about 5 minutes.")
    boolean quick;

    @Option(
            names = "--only",
            split = ",",
            paramLabel = "<name>",
            description =
                    "Run only these: fanout (with the peer), intake, memory, tracking, latency, open, scaling, cost.")
    List<String> only = List.of();

    @Option(names = "--out", paramLabel = "<file>", description = "Also write the table and summary line here.")
    Path out;

    public static void main(String[] args) {
        if (System.getProperty("BRIDGE_LOG_LEVEL") == null && System.getenv("BRIDGE_LOG_LEVEL") == null) {
            System.setProperty("BRIDGE_LOG_LEVEL", "WARN");
        }
        System.exit(new CommandLine(new BenchMain()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        Set<String> selected = new HashSet<>(only);
        selected.removeAll(Bench.NAMES);
        if (!selected.isEmpty()) {
            throw new CommandLine.ParameterException(
                    new CommandLine(this), "--only accepts " + Bench.NAMES + " but got " + selected);
        }
        String report = new Bench(quick ? Sizes.quick() : Sizes.full(), Set.copyOf(only)).run();
        System.out.print(report);
        System.out.flush();
        if (out != null) {
            Files.writeString(out, report, StandardCharsets.UTF_8);
        }
        return 0;
    }
}
