package io.batchbridge.submitter.internal;

import io.batchbridge.common.kafka.CommittedReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What {@link IntentRecovery} reads from Kafka: the open create intents (the compacted intents topic to its end)
 * and the batch ids the batches topic names since an instant (tickets are keyed by batch id), each with a fresh
 * {@code read_committed} consumer without a group.
 */
final class IntentTopics {
    private static final Logger log = LoggerFactory.getLogger(IntentTopics.class);
    /** How long reading the intents or the batches topic to its end may take before the pass gives up. */
    static final Duration READ_WITHIN = Duration.ofMinutes(2);

    private final Supplier<Consumer<byte[], byte[]>> consumers;
    private final String intentsTopic;
    private final String batchesTopic;

    IntentTopics(Supplier<Consumer<byte[], byte[]>> consumers, String intentsTopic, String batchesTopic) {
        this.consumers = consumers;
        this.intentsTopic = intentsTopic;
        this.batchesTopic = batchesTopic;
    }

    /** Every intent without a tombstone, read to the end of the intents topic; unreadable ones are logged. */
    List<Intent> openIntents() {
        Map<String, byte[]> last = new HashMap<>();
        readToEnd(intentsTopic, null, r -> {
            String key = r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8);
            if (key == null) {
                return;
            }
            if (r.value() == null) {
                last.remove(key);
            } else {
                last.put(key, r.value());
            }
        });
        List<Intent> open = new ArrayList<>();
        last.forEach((key, value) -> {
            try {
                open.add(Intent.fromJson(value));
            } catch (IllegalArgumentException e) {
                log.warn("create intent {} is unreadable and ignored: {}", key, e.getMessage());
            }
        });
        return open;
    }

    /** The batch ids named by ticket records written since {@code from}. */
    Set<String> ticketedSince(Instant from) {
        Set<String> ids = new HashSet<>();
        readToEnd(batchesTopic, from, r -> {
            if (r.key() != null) {
                ids.add(new String(r.key(), StandardCharsets.UTF_8));
            }
        });
        return ids;
    }

    /** Reads every partition of {@code topic} from {@code from} (or the beginning) to its end offset now. */
    private void readToEnd(
            String topic, Instant from, java.util.function.Consumer<ConsumerRecord<byte[], byte[]>> each) {
        try (Consumer<byte[], byte[]> c = consumers.get()) {
            if (!CommittedReader.read(c, topic, from, c::endOffsets, READ_WITHIN, each)) {
                throw new org.apache.kafka.common.KafkaException(
                        topic + " could not be read to its end within " + READ_WITHIN);
            }
        }
    }
}
