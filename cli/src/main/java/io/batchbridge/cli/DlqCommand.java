package io.batchbridge.cli;

import io.batchbridge.common.config.CommonKeys;
import io.batchbridge.common.records.BridgeHeaders;
import io.batchbridge.common.records.Echo;
import io.batchbridge.common.records.EnvelopeCodec;
import io.batchbridge.common.records.InvalidRecordException;
import io.batchbridge.common.topics.TopicNames;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code bridge dlq list|replay}: inspect dead letters and re-publish their original bytes. */
@Command(
        name = "dlq",
        mixinStandardHelpOptions = true,
        description = "Inspect the dead-letter topic or replay its records (read up to its current end).",
        subcommands = {DlqCommand.List.class, DlqCommand.Replay.class})
final class DlqCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Options both subcommands share. */
    abstract static class DlqScan implements Callable<Integer> {
        static final Duration SCAN_TIMEOUT = Duration.ofMinutes(5);

        @Spec
        CommandSpec spec;

        @Mixin
        ConfigOptions config = new ConfigOptions();

        @Option(
                names = "--dlq",
                paramLabel = "<topic>",
                description = "Dead-letter topic (default: bridge.topics.dlq, else bridge.dlq).")
        String dlqTopic;

        @Option(names = "--reason", paramLabel = "<code>", description = "Only dead letters with this reason code.")
        String reason;

        Map<String, String> env = System.getenv();

        String dlq(Map<String, String> merged) {
            return dlqTopic != null
                    ? dlqTopic
                    : KafkaSettings.topic(
                            merged, CommonKeys.TOPIC_DLQ, TopicNames.defaults().dlq());
        }

        boolean matches(ConsumerRecord<byte[], byte[]> r) {
            return reason == null
                    || reason.equalsIgnoreCase(BridgeHeaders.get(r.headers(), BridgeHeaders.ERROR_REASON));
        }

        int fail(String message) {
            warn(message);
            return 1;
        }

        void warn(String message) {
            spec.commandLine().getErr().println("bridge dlq: " + message);
            spec.commandLine().getErr().flush();
        }
    }

    @Command(
            name = "list",
            mixinStandardHelpOptions = true,
            description = "One line per dead letter: offset, reason, custom_id, original coordinates, sentence.")
    static final class List extends DlqScan {
        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            Map<String, String> merged = config.merged(env);
            AtomicLong listed = new AtomicLong();
            try {
                TopicScan.toEnd(KafkaSettings.consumer(merged), dlq(merged), SCAN_TIMEOUT, r -> {
                    if (matches(r)) {
                        out.println(DeadLetterText.line(r));
                        listed.incrementAndGet();
                    }
                });
            } catch (IllegalArgumentException | IllegalStateException e) {
                return fail(e.getMessage());
            }
            out.println(listed.get() + " dead letters" + (reason == null ? "" : " with reason " + reason));
            out.flush();
            return 0;
        }
    }

    @Command(
            name = "replay",
            mixinStandardHelpOptions = true,
            description = {
                "Re-publish dead letters' original bytes (value and key unchanged) to a request topic:",
                "--to, else the record's original topic header, else bridge.topics.requests / bridge.requests.",
                "Only configured request topics (bridge.topics.requests, bridge.submitter.topics.pattern) are",
                "accepted; a record whose target is any other topic (batches, results, retry, ...) is not replayed."
            })
    static final class Replay extends DlqScan {
        @Option(names = "--to", paramLabel = "<topic>", description = "Request topic to publish to.")
        String to;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            Map<String, String> merged = config.merged(env);
            ReplayTargets targets;
            try {
                targets = ReplayTargets.from(merged, dlq(merged));
            } catch (IllegalArgumentException e) {
                return fail(e.getMessage());
            }
            if (to != null && targets.refusal(to).isPresent()) {
                return fail("refusing --to " + targets.refusal(to).get());
            }
            AtomicLong replayed = new AtomicLong();
            AtomicLong retried = new AtomicLong();
            AtomicLong refused = new AtomicLong();
            AtomicReference<Exception> sendError = new AtomicReference<>();
            try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(KafkaSettings.producer(merged))) {
                TopicScan.toEnd(KafkaSettings.consumer(merged), dlq(merged), SCAN_TIMEOUT, r -> {
                    if (!matches(r) || sendError.get() != null) {
                        return;
                    }
                    String target = target(r, targets.fallback());
                    Optional<String> refusal = targets.refusal(target);
                    if (refusal.isPresent()) {
                        refused.incrementAndGet();
                        warn("not replayed " + r.partition() + "@" + r.offset() + ": " + refusal.get());
                        return;
                    }
                    if (attempt(r.value()) > 1) {
                        retried.incrementAndGet();
                    }
                    producer.send(new ProducerRecord<>(target, r.key(), r.value()), (md, e) -> {
                        if (e != null) {
                            sendError.compareAndSet(null, e);
                        } else {
                            replayed.incrementAndGet();
                        }
                    });
                });
                producer.flush();
            } catch (IllegalArgumentException | IllegalStateException e) {
                return fail(e.getMessage());
            }
            out.println(
                    "replayed " + replayed.get() + " dead letters" + (reason == null ? "" : " with reason " + reason)
                            + (refused.get() == 0
                                    ? ""
                                    : "; refused " + refused.get() + " whose target is not a request topic"));
            if (retried.get() > 0) {
                out.println("note: " + retried.get() + " of them are retry records (attempt > 1); on a request"
                        + " topic they start again at attempt 1 with the submitter's attempt limit"
                        + " (bridge.submitter.retry.max.attempts)");
            }
            out.flush();
            if (sendError.get() != null) {
                return fail("a record was not delivered: " + sendError.get().getMessage());
            }
            return refused.get() == 0 ? 0 : 1;
        }

        /** The attempt a request envelope or retry record carries; 1 when it is not a valid envelope. */
        private static int attempt(byte[] value) {
            try {
                return EnvelopeCodec.parse(value).envelope().attempt();
            } catch (InvalidRecordException e) {
                return 1;
            }
        }

        /**
         * {@code --to}, else where the request was first published (a dead-lettered retry record's value is the
         * self-contained request), else the topic of the record that failed, else the configured request topic.
         */
        private String target(ConsumerRecord<byte[], byte[]> r, String fallback) {
            if (to != null) {
                return to;
            }
            String origin = BridgeHeaders.get(r.headers(), BridgeHeaders.ORIGIN_TOPIC);
            if (origin != null && !origin.isBlank()) {
                return origin;
            }
            String original = BridgeHeaders.get(r.headers(), BridgeHeaders.ORIGINAL_TOPIC);
            return original != null && !original.isBlank() ? original : fallback;
        }
    }

    /** How {@code dlq list} prints one dead letter: one line, every value from the record escaped and cut. */
    static final class DeadLetterText {
        /** The sentence is the product's, but a forged header could be as large as a record. */
        static final int SENTENCE_CHARS = 1024;

        private DeadLetterText() {}

        static String line(ConsumerRecord<byte[], byte[]> r) {
            return r.partition() + "@" + r.offset()
                    + " reason=" + text(BridgeHeaders.get(r.headers(), BridgeHeaders.ERROR_REASON))
                    + " custom_id=" + text(customId(r))
                    + " original=" + coordinates(r)
                    + " | " + sentence(BridgeHeaders.get(r.headers(), BridgeHeaders.ERROR_MESSAGE));
        }

        private static String customId(ConsumerRecord<byte[], byte[]> r) {
            String h = BridgeHeaders.get(r.headers(), BridgeHeaders.CUSTOM_ID);
            return h != null || r.key() == null ? h : new String(r.key(), StandardCharsets.UTF_8);
        }

        private static String coordinates(ConsumerRecord<byte[], byte[]> r) {
            String topic = BridgeHeaders.get(r.headers(), BridgeHeaders.ORIGINAL_TOPIC);
            if (topic == null) {
                return "-";
            }
            return Echo.of(topic) + "-" + text(BridgeHeaders.get(r.headers(), BridgeHeaders.ORIGINAL_PARTITION)) + "@"
                    + text(BridgeHeaders.get(r.headers(), BridgeHeaders.ORIGINAL_OFFSET));
        }

        private static String text(String s) {
            return s == null ? "-" : Echo.of(s);
        }

        private static String sentence(String s) {
            return s == null ? "-" : Echo.of(s, SENTENCE_CHARS);
        }
    }
}
