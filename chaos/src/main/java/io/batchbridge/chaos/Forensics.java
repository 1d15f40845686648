package io.batchbridge.chaos;

import io.batchbridge.common.kafka.CommittedReader;
import io.batchbridge.common.records.BridgeHeaders;
import io.batchbridge.common.records.Coordinates;
import io.batchbridge.common.topics.TopicNames;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a failed run leaves for whoever investigates it: every request without a terminal record or with more
 * than one, its {@code custom_id}, and each terminal and retry record that answers it (where, which batch,
 * which attempt, which outcome), as a {@code read_committed} consumer sees them.
 */
final class Forensics {
    private static final Logger log = LoggerFactory.getLogger(Forensics.class);
    private static final Map<String, Object> COMMITTED =
            Map.of(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");

    private Forensics() {}

    static void write(String bootstrap, TopicNames topics, Collection<Coordinates> published, Path file) {
        try {
            Set<Coordinates> expected = new HashSet<>(published);
            Map<Coordinates, List<String>> terminal = new HashMap<>();
            for (String topic : List.of(topics.results(), topics.dlq())) {
                read(bootstrap, topic, expected, terminal);
            }
            Map<Coordinates, List<String>> suspects = new TreeMap<>(Forensics::compare);
            for (Coordinates c : expected) {
                List<String> t = terminal.getOrDefault(c, List.of());
                if (t.size() != 1) {
                    suspects.put(c, new ArrayList<>(t));
                }
            }
            Map<Coordinates, List<String>> retries = new HashMap<>();
            read(bootstrap, topics.retry(), suspects.keySet(), retries);
            Map<Coordinates, String> customIds = new HashMap<>();
            for (String topic : topics.requests()) {
                CommittedReader.forEach(bootstrap, topic, COMMITTED, Duration.ofSeconds(120), r -> {
                    Coordinates c = new Coordinates(r.topic(), r.partition(), r.offset());
                    if (suspects.containsKey(c)) {
                        String v = new String(r.value(), StandardCharsets.UTF_8);
                        customIds.put(c, v.length() > 200 ? v.substring(0, 200) + "…" : v);
                    }
                });
            }
            List<String> out = new ArrayList<>();
            out.add("requests without exactly one terminal record: " + suspects.size());
            suspects.forEach((c, t) -> {
                out.add("");
                out.add(c + (t.isEmpty() ? " LOST" : " DUPLICATED x" + t.size()) + " request: " + customIds.get(c));
                t.forEach(x -> out.add("  terminal " + x));
                retries.getOrDefault(c, List.of()).forEach(x -> out.add("  retry    " + x));
            });
            Files.write(file, out);
            log.warn("chaos: forensics of {} requests in {}", suspects.size(), file);
        } catch (IOException | RuntimeException e) {
            log.warn("chaos: could not write forensics to {}", file, e);
        }
    }

    private static void read(
            String bootstrap, String topic, Set<Coordinates> wanted, Map<Coordinates, List<String>> into) {
        CommittedReader.forEach(bootstrap, topic, COMMITTED, Duration.ofSeconds(120), r -> {
            Coordinates origin = BridgeHeaders.origin(r.headers());
            if (origin != null && wanted.contains(origin)) {
                into.computeIfAbsent(origin, k -> new ArrayList<>()).add(describe(r));
            }
        });
    }

    private static String describe(ConsumerRecord<byte[], byte[]> r) {
        StringBuilder b = new StringBuilder()
                .append(r.topic())
                .append('-')
                .append(r.partition())
                .append('@')
                .append(r.offset())
                .append(" ts=")
                .append(r.timestamp());
        for (String h : List.of(
                BridgeHeaders.CUSTOM_ID,
                BridgeHeaders.BATCH_ID,
                BridgeHeaders.ATTEMPT,
                BridgeHeaders.RESULT_TYPE,
                BridgeHeaders.ERROR_REASON,
                BridgeHeaders.ORIGINAL_TOPIC,
                BridgeHeaders.ORIGINAL_OFFSET)) {
            String v = BridgeHeaders.get(r.headers(), h);
            if (v != null) {
                b.append(' ')
                        .append(h.substring(BridgeHeaders.PREFIX.length()))
                        .append('=')
                        .append(v);
            }
        }
        return b.toString();
    }

    private static int compare(Coordinates a, Coordinates b) {
        int c = a.topic().compareTo(b.topic());
        if (c != 0) {
            return c;
        }
        c = Integer.compare(a.partition(), b.partition());
        return c != 0 ? c : Long.compare(a.offset(), b.offset());
    }
}
