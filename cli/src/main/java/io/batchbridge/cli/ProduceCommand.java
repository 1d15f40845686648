package io.batchbridge.cli;

import io.batchbridge.common.records.EnvelopeCodec;
import io.batchbridge.common.records.InvalidRecordException;
import io.batchbridge.common.records.ParsedRequest;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code bridge produce}: publishes a Batches-format JSONL file (one {@code {"custom_id", "params"}} per line)
 * as request records keyed by {@code custom_id}. Lines that are not valid envelopes are reported by line number
 * and reason and not published. Each line's bytes are published unchanged.
 */
@Command(
        name = "produce",
        mixinStandardHelpOptions = true,
        description = {
            "Publish requests from a Batches-format JSONL file (key = custom_id, value = the line unchanged).",
            "Invalid lines are listed with their line number and reason and skipped.",
            "Exit codes: 0 all lines published, 1 some lines rejected or not delivered."
        })
final class ProduceCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ConfigOptions config = new ConfigOptions();

    @Option(
            names = "--topic",
            paramLabel = "<topic>",
            description = "Request topic (default: bridge.topics.requests, else bridge.requests).")
    String topic;

    @Option(names = "--no-progress", description = "Do not draw the progress bar.")
    boolean noProgress;

    @Parameters(index = "0", paramLabel = "<file.jsonl>", description = "Batches-format JSONL file.")
    Path file;

    Map<String, String> env = System.getenv();

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Map<String, String> merged = config.merged(env);
        String target = topic != null ? topic : KafkaSettings.requestsTopic(merged);
        Progress progress = new Progress(noProgress ? null : err, Files.size(file));
        long lines = 0;
        long rejected = 0;
        AtomicLong delivered = new AtomicLong();
        AtomicReference<Exception> sendError = new AtomicReference<>();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(KafkaSettings.producer(merged));
                BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            while ((line = in.readLine()) != null && sendError.get() == null) {
                lines++;
                byte[] value = line.getBytes(StandardCharsets.UTF_8);
                progress.advance(value.length + 1L);
                if (line.isBlank()) {
                    continue;
                }
                String customId = customId(value, lines, err);
                if (customId == null) {
                    rejected++;
                    continue;
                }
                producer.send(
                        new ProducerRecord<>(target, customId.getBytes(StandardCharsets.UTF_8), value), (md, e) -> {
                            if (e != null) {
                                sendError.compareAndSet(null, e);
                            } else {
                                delivered.incrementAndGet();
                            }
                        });
            }
            producer.flush();
        }
        progress.done();
        out.printf("published %d requests to %s; rejected %d of %d lines%n", delivered.get(), target, rejected, lines);
        out.flush();
        if (sendError.get() != null) {
            err.println("bridge produce: stopped, a record was not delivered: "
                    + sendError.get().getMessage());
            err.flush();
            return 1;
        }
        return rejected == 0 ? 0 : 1;
    }

    /** The line's custom_id, or null after reporting why the line is not a valid envelope. */
    private static String customId(byte[] value, long lineNumber, PrintWriter err) {
        try {
            ParsedRequest parsed = EnvelopeCodec.parse(value);
            return parsed.envelope().customId();
        } catch (InvalidRecordException e) {
            err.println("\rline " + lineNumber + ": rejected, "
                    + e.problem().reason().code() + ": " + e.problem().message());
            err.flush();
            return null;
        }
    }
}
