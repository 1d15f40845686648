package io.batchbridge.cli;

import io.batchbridge.common.config.CommonKeys;
import io.batchbridge.common.records.Echo;
import io.batchbridge.common.topics.TopicNames;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Where {@code bridge dlq replay} may publish: configured request topics only ({@code bridge.topics.requests},
 * or names matching {@code bridge.submitter.topics.pattern}), never a topic the product writes or reads as
 * something else (batches, results, retry, checkpoints, intents, batch events, dead letters). A dead letter's origin
 * header can come from a forged record; publishing it to the batches topic would make a worker read it as a
 * ticket.
 */
final class ReplayTargets {
    static final String PATTERN_KEY = "bridge.submitter.topics.pattern";

    private final List<String> requests;
    private final Pattern pattern;
    /** Topic name → what it is, e.g. {@code the batches topic (bridge.topics.batches)}. */
    private final Map<String, String> productTopics = new LinkedHashMap<>();

    private ReplayTargets(List<String> requests, Pattern pattern) {
        this.requests = requests;
        this.pattern = pattern;
    }

    /** From the merged configuration; {@code dlq} is the dead-letter topic being read. */
    static ReplayTargets from(Map<String, String> merged, String dlq) {
        String p = merged.getOrDefault(PATTERN_KEY, "").trim();
        Pattern pattern;
        try {
            pattern = p.isEmpty() ? null : Pattern.compile(p);
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException(PATTERN_KEY + " is not a regular expression: " + Echo.of(p));
        }
        ReplayTargets t = new ReplayTargets(KafkaSettings.requestTopics(merged), pattern);
        TopicNames d = TopicNames.defaults();
        t.product(merged, CommonKeys.TOPIC_BATCHES, d.batches(), "batches");
        t.product(merged, CommonKeys.TOPIC_RESULTS, d.results(), "results");
        t.product(merged, CommonKeys.TOPIC_RETRY, d.retry(), "retry");
        t.product(merged, CommonKeys.TOPIC_CHECKPOINTS, d.checkpoints(), "checkpoints");
        t.product(merged, CommonKeys.TOPIC_INTENTS, d.intents(), "intents");
        t.product(merged, CommonKeys.TOPIC_SPEND, d.spend(), "the spend ledger");
        t.product(merged, CommonKeys.TOPIC_BATCH_EVENTS, d.batchEvents(), "batch events");
        t.product(merged, CommonKeys.TOPIC_DLQ, d.dlq(), "dead-letter");
        t.productTopics.putIfAbsent(dlq, "the dead-letter topic being replayed");
        return t;
    }

    /** The first configured request topic: where a dead letter without coordinates goes. */
    String fallback() {
        return requests.get(0);
    }

    /** Empty when {@code topic} may receive replayed records; else why not, naming the topic. */
    Optional<String> refusal(String topic) {
        String product = productTopics.get(topic);
        if (product != null) {
            return Optional.of(Echo.of(topic) + " is " + product + "; " + allowed());
        }
        if (requests.contains(topic)
                || (pattern != null && pattern.matcher(topic).matches())) {
            return Optional.empty();
        }
        return Optional.of(Echo.of(topic) + " is not a request topic; " + allowed());
    }

    private String allowed() {
        return "dlq replay publishes only to request topics (" + CommonKeys.TOPIC_REQUESTS + "="
                + String.join(",", requests) + (pattern == null ? "" : ", " + PATTERN_KEY + "=" + pattern) + ")";
    }

    private void product(Map<String, String> merged, String key, String fallback, String what) {
        productTopics.putIfAbsent(KafkaSettings.topic(merged, key, fallback), "the " + what + " topic (" + key + ")");
    }
}
