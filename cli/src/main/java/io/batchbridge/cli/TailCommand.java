package io.batchbridge.cli;

import io.batchbridge.common.config.CommonKeys;
import io.batchbridge.common.topics.TopicNames;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code bridge tail}: follows a results (or dead-letter) topic as a read_committed consumer. */
@Command(
        name = "tail",
        mixinStandardHelpOptions = true,
        description = {
            "Print records of a topic as a read_committed consumer sees them, until Ctrl-C or --max.",
            "text: one line per record (coordinates, key, reason / stop_reason / truncated / cost, short prefix);"
                    + " json: each value, one per line (control characters escaped)."
        })
final class TailCommand implements Callable<Integer> {
    enum Format {
        text,
        json
    }

    @Spec
    CommandSpec spec;

    @Mixin
    ConfigOptions config = new ConfigOptions();

    @Option(
            names = "--topic",
            paramLabel = "<topic>",
            description = "Topic to read (default: bridge.topics.results, else bridge.results).")
    String topic;

    @Option(names = "--from-beginning", description = "Start at the beginning instead of the end.")
    boolean fromBeginning;

    @Option(names = "--max", paramLabel = "<n>", description = "Stop after this many records.")
    Long max;

    @Option(names = "--format", defaultValue = "text", description = "text or json (default: ${DEFAULT-VALUE}).")
    Format format;

    Map<String, String> env = System.getenv();

    final StopSignal signal = new StopSignal();

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        Map<String, String> merged = config.merged(env);
        String t = topic != null
                ? topic
                : KafkaSettings.topic(
                        merged, CommonKeys.TOPIC_RESULTS, TopicNames.defaults().results());
        long printed = 0;
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(KafkaSettings.consumer(merged));
                StopSignal s = signal.arm("bridge-tail", Duration.ofSeconds(5))) {
            List<TopicPartition> parts = TopicScan.partitions(c, t, Duration.ofSeconds(30));
            c.assign(parts);
            if (fromBeginning) {
                c.seekToBeginning(parts);
            } else {
                c.seekToEnd(parts);
                parts.forEach(c::position); // resolve the end now: records published after this line are shown
            }
            spec.commandLine()
                    .getErr()
                    .println("tailing " + t + (fromBeginning ? " from the beginning" : " from the end")
                            + " (read_committed)");
            spec.commandLine().getErr().flush();
            while (!s.isRequested() && (max == null || printed < max)) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
                    if (max != null && printed >= max) {
                        break;
                    }
                    out.println(format == Format.json ? json(r) : RecordText.line(r));
                    printed++;
                }
                out.flush();
            }
        } catch (WakeupException e) {
            // stopped
        } catch (IllegalArgumentException e) {
            spec.commandLine().getErr().println("bridge tail: " + e.getMessage());
            spec.commandLine().getErr().flush();
            return 1;
        }
        out.flush();
        return 0;
    }

    private static String json(ConsumerRecord<byte[], byte[]> r) {
        return r.value() == null ? "null" : JsonLine.of(new String(r.value(), StandardCharsets.UTF_8));
    }

    /** Stops tailing, as Ctrl-C does. */
    void stop() {
        signal.request();
    }
}
