package io.batchbridge.cli;

import io.batchbridge.common.kafka.KafkaClientDefaults;
import io.batchbridge.common.records.DeadLetterReason;
import io.batchbridge.common.records.EnvelopeCodec;
import io.batchbridge.common.records.InvalidRecordException;
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
            "Exit codes: 0 all lines published, 1 some lines rejected or not delivered, 2 no such file."
        })
final class ProduceCommand implements Callable<Integer> {
    /** The producer refuses larger records; such lines are rejected before they are sent. */
    static final int MAX_LINE_BYTES = KafkaClientDefaults.MAX_REQUEST_BYTES - 1024;

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

    private final AtomicLong delivered = new AtomicLong();
    private final AtomicReference<Exception> sendError = new AtomicReference<>();
    private long lines;
    private long rejected;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Map<String, String> merged = config.merged(env);
        String target = topic != null ? topic : KafkaSettings.requestsTopic(merged);
        if (!Files.isRegularFile(file)) {
            err.println("bridge produce: " + file + " is not a readable file");
            err.flush();
            return 2;
        }
        Progress progress = new Progress(noProgress ? null : err, Files.size(file));
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(KafkaSettings.producer(merged));
                JsonlLines in = new JsonlLines(Files.newInputStream(file), MAX_LINE_BYTES)) {
            JsonlLines.Line line;
            while ((line = in.next()) != null && sendError.get() == null) {
                lines++;
                progress.advance(line.length());
                publish(producer, target, line, err);
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

    private void publish(KafkaProducer<byte[], byte[]> producer, String target, JsonlLines.Line line, PrintWriter err) {
        if (line.blank()) {
            return;
        }
        if (line.oversized()) {
            reject(
                    line.number(),
                    DeadLetterReason.RECORD_TOO_LARGE.code(),
                    "the line is over " + MAX_LINE_BYTES + " bytes, more than a Kafka record may hold",
                    err);
            return;
        }
        String customId;
        try {
            customId = EnvelopeCodec.parse(line.bytes()).envelope().customId();
        } catch (InvalidRecordException e) {
            reject(line.number(), e.problem().reason().code(), e.problem().message(), err);
            return;
        }
        byte[] key = customId.getBytes(StandardCharsets.UTF_8);
        producer.send(new ProducerRecord<>(target, key, line.bytes()), (md, e) -> {
            if (e != null) {
                sendError.compareAndSet(null, e);
            } else {
                delivered.incrementAndGet();
            }
        });
    }

    private void reject(long lineNumber, String code, String sentence, PrintWriter err) {
        rejected++;
        err.println("\rline " + lineNumber + ": rejected, " + code + ": " + sentence);
        err.flush();
    }
}
