package io.batchbridge.submitter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.batchbridge.client.MessageBatch;
import io.batchbridge.client.ResultLine;
import io.batchbridge.client.ResultStream;
import io.batchbridge.common.records.Ticket;
import io.batchbridge.emulator.Emulator;
import io.batchbridge.kafka.embedded.KafkaCluster;
import io.batchbridge.kafka.embedded.KafkaClusterExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cache-aware packing and the primer through the real submitter, against the emulator's prompt-cache model
 * (hit rate 1 among items of one batch, so its figures are exact) and an embedded broker.
 */
@ExtendWith(KafkaClusterExtension.class)
@Timeout(180)
class PromptCachePackingIT {
    private static final Logger log = LoggerFactory.getLogger(PromptCachePackingIT.class);
    static final String OPUS = "claude-opus-4-6";
    static final String[] PREFIXES = {"a", "b", "c"};

    SubmitterHarness h;

    void start(KafkaCluster cluster, Map<String, String> overrides) {
        h = new SubmitterHarness(cluster, 1, Emulator.builder().timeScale(3600).cacheHitRate(1.0), Map.of());
        Map<String, String> c = new HashMap<>();
        c.put(SubmitterConfig.MAX_BATCH_REQUESTS, "8");
        c.put(SubmitterConfig.LINGER_MS, "1500");
        c.putAll(overrides);
        c.replaceAll((k, v) -> v.replace("$REQUESTS", h.names.requests().get(0)));
        h.start(c);
    }

    @AfterEach
    void tearDown() {
        if (h != null) {
            h.close();
        }
    }

    /** A request whose system prompt (about 6,000 emulator tokens) is cached; its question differs per request. */
    static String cached(String prefix, int n) {
        String system = ("Reference text " + prefix + ". ").repeat(1500);
        String params = "{\"model\":\"" + OPUS + "\",\"max_tokens\":50,\"system\":[{\"type\":\"text\",\"text\":\""
                + system + "\",\"cache_control\":{\"type\":\"ephemeral\"}}],\"messages\":[{\"role\":\"user\","
                + "\"content\":\"question " + n + "\"}]}";
        return SubmitterHarness.request(prefix + "-" + n, params, "");
    }

    /** Three prefixes, eight requests each, interleaved on one partition. */
    void publishInterleaved() {
        for (int n = 0; n < 8; n++) {
            for (String p : PREFIXES) {
                h.publish(h.names.requests().get(0), null, cached(p, n));
            }
        }
    }

    /** Every result of every batch once all have ended, by the producer's custom_id. */
    Map<String, ResultLine> results(int expected) {
        await().atMost(Duration.ofSeconds(90)).until(() -> h.ticketedCustomIds().size() == expected);
        await().atMost(Duration.ofSeconds(90))
                .until(() -> h.client.listAll().stream().allMatch(MessageBatch::ended));
        Map<String, String> userIds = new HashMap<>();
        h.tickets().forEach(t -> t.items().forEach(i -> userIds.put(i.batchCustomId(), i.customId())));
        Map<String, ResultLine> out = new HashMap<>();
        for (MessageBatch b : h.client.listAll()) {
            try (ResultStream s = h.client.results(b)) {
                s.stream().forEach(r -> out.put(userIds.get(r.customId()), r));
            }
        }
        return out;
    }

    static long writes(Map<String, ResultLine> results) {
        return results.values().stream()
                .filter(r -> r.usage().cacheCreationInputTokens() > 0)
                .count();
    }

    static long reads(Map<String, ResultLine> results) {
        return results.values().stream()
                .filter(r -> r.usage().cacheReadInputTokens() > 0)
                .count();
    }

    /** Custom ids per ticket (one ticket record per batch here), in ticket order. */
    List<List<String>> batches() {
        List<List<String>> out = new ArrayList<>();
        for (Ticket t : h.tickets()) {
            out.add(t.items().stream().map(i -> i.customId()).toList());
        }
        return out;
    }

    @Test
    void interleavedPrefixesArePackedOneBatchEachSoEachIsWrittenOnce(KafkaCluster cluster) {
        start(cluster, Map.of(SubmitterConfig.PACKING, "prefix"));

        publishInterleaved();
        Map<String, ResultLine> results = results(24);

        List<List<String>> batches = batches();
        log.info("prefix packing: batches {}, cache writes {}, reads {}", batches, writes(results), reads(results));
        assertThat(batches).hasSize(3).allSatisfy(ids -> {
            assertThat(ids).hasSize(8);
            String prefix = ids.get(0).substring(0, 1);
            assertThat(ids)
                    .as("one prefix, in arrival order")
                    .containsExactly(
                            prefix + "-0",
                            prefix + "-1",
                            prefix + "-2",
                            prefix + "-3",
                            prefix + "-4",
                            prefix + "-5",
                            prefix + "-6",
                            prefix + "-7");
        });
        assertThat(writes(results)).as("one cache write per prefix").isEqualTo(3);
        assertThat(reads(results)).isEqualTo(21);
        assertThat(h.registry
                        .find("bridge.submitter.prefix.requests")
                        .tag("shared", "true")
                        .counter()
                        .count())
                .isEqualTo(24);
    }

    @Test
    void arrivalPackingMixesThePrefixesInEveryBatch(KafkaCluster cluster) {
        start(cluster, Map.of(SubmitterConfig.PACKING, "arrival"));

        publishInterleaved();
        Map<String, ResultLine> results = results(24);

        List<List<String>> batches = batches();
        log.info("arrival packing: batches {}, cache writes {}, reads {}", batches, writes(results), reads(results));
        assertThat(batches)
                .hasSize(3)
                .allSatisfy(ids -> assertThat(
                                ids.stream().map(id -> id.substring(0, 1)).distinct())
                        .hasSize(3));
        assertThat(writes(results))
                .as("each prefix written in the first batch at least")
                .isGreaterThanOrEqualTo(3);
    }

    @Test
    void aPrimerGoesAheadAloneWithAOneHourBreakpointAndTheOthersReadItsEntry(KafkaCluster cluster) {
        start(
                cluster,
                Map.of(
                        SubmitterConfig.PACKING,
                        "prefix",
                        SubmitterConfig.PRIMER_TOPICS,
                        "$REQUESTS",
                        SubmitterConfig.PRIMER_MIN_REQUESTS,
                        "3",
                        SubmitterConfig.PRIMER_CHECK_INTERVAL_MS,
                        "100",
                        // the emulator runs 3600 times faster: 300 ms of linger are 18 minutes of its time, well
                        // inside the primer's 1-hour entry
                        SubmitterConfig.LINGER_MS,
                        "300"));

        for (int n = 0; n < 8; n++) {
            h.publish(h.names.requests().get(0), null, cached("a", n));
        }
        Map<String, ResultLine> results = results(8);

        List<List<String>> batches = batches();
        log.info("primer: batches {}, cache writes {}, reads {}", batches, writes(results), reads(results));
        assertThat(batches).containsExactly(List.of("a-0"), List.of("a-1", "a-2", "a-3", "a-4", "a-5", "a-6", "a-7"));
        assertThat(results.get("a-0").usage().cacheCreation1h())
                .as("the primer wrote a 1-hour entry")
                .isPositive();
        assertThat(results.entrySet())
                .filteredOn(e -> !e.getKey().equals("a-0"))
                .hasSize(7)
                .allSatisfy(e -> {
                    assertThat(e.getValue().usage().cacheReadInputTokens()).isPositive();
                    assertThat(e.getValue().usage().cacheCreationInputTokens()).isZero();
                });
        assertThat(h.registry.find("bridge.submitter.primer.sent").counter().count())
                .isEqualTo(1);
        assertThat(h.registry
                        .find("bridge.submitter.primer.released")
                        .tag("reason", "ended")
                        .counter()
                        .count())
                .isEqualTo(7);
    }
}
