package io.batchbridge.common.config;

import io.batchbridge.common.model.ModelCatalogue;
import io.batchbridge.common.topics.TopicNames;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;

/** Keys every role shares: topic names, the model catalogue and the tenants of request topics. Roles add these to their own ConfigDef. */
public final class CommonKeys {
    public static final String TOPIC_REQUESTS = "bridge.topics.requests";
    public static final String TOPIC_BATCHES = "bridge.topics.batches";
    public static final String TOPIC_RESULTS = "bridge.topics.results";
    public static final String TOPIC_RETRY = "bridge.topics.retry";
    public static final String TOPIC_DLQ = "bridge.topics.dlq";
    public static final String TOPIC_BATCH_EVENTS = "bridge.topics.batch.events";
    public static final String TOPIC_CHECKPOINTS = "bridge.topics.checkpoints";
    public static final String TOPIC_INTENTS = "bridge.topics.intents";
    public static final String TOPIC_SPEND = "bridge.topics.spend";
    public static final String MODELS_FILE = "bridge.models.file";
    public static final String TOPIC_TENANTS = "bridge.topic.tenants";

    private CommonKeys() {}

    /** Adds the shared keys to a role's definition. */
    public static ConfigDef addTo(ConfigDef def) {
        TopicNames d = TopicNames.defaults();
        return io.batchbridge.common.kafka.GroupMembership.addTo(def)
                .define(
                        TOPIC_REQUESTS,
                        Type.LIST,
                        String.join(",", d.requests()),
                        Importance.HIGH,
                        "Request topics the submitter consumes (comma-separated).")
                .define(
                        TOPIC_BATCHES,
                        Type.STRING,
                        d.batches(),
                        Importance.MEDIUM,
                        "Topic of tickets, one or more per created API batch.")
                .define(
                        TOPIC_RESULTS,
                        Type.STRING,
                        d.results(),
                        Importance.HIGH,
                        "Default output topic for succeeded results.")
                .define(
                        TOPIC_RETRY,
                        Type.STRING,
                        d.retry(),
                        Importance.MEDIUM,
                        "Retry topic: self-contained retry records with attempt and not-before.")
                .define(
                        TOPIC_DLQ,
                        Type.STRING,
                        d.dlq(),
                        Importance.HIGH,
                        "Dead-letter topic: original bytes plus reason headers.")
                .define(
                        TOPIC_BATCH_EVENTS,
                        Type.STRING,
                        d.batchEvents(),
                        Importance.LOW,
                        "Batch lifecycle events (submitted, progress, ended, fanned_out).")
                .define(
                        TOPIC_CHECKPOINTS,
                        Type.STRING,
                        d.checkpoints(),
                        Importance.LOW,
                        "Compacted topic of fan-out checkpoints.")
                .define(
                        TOPIC_INTENTS,
                        Type.STRING,
                        d.intents(),
                        Importance.LOW,
                        "Compacted topic of the submitters' create intents (what a crash between a create and its"
                                + " ticket left behind is found from).")
                .define(
                        TOPIC_SPEND,
                        Type.STRING,
                        d.spend(),
                        Importance.LOW,
                        "Compacted topic of the shared spend ledger: the submitters' reservations against the spend"
                                + " limits and the workers' actual cost per batch (see docs/guarantees.md, Spend limits).")
                .define(
                        MODELS_FILE,
                        Type.STRING,
                        "",
                        Importance.LOW,
                        "Model catalogue file replacing the shipped one (same JSON shape as models.json); empty uses the shipped catalogue.")
                .define(
                        TOPIC_TENANTS,
                        Type.LIST,
                        "",
                        new Tenants.Validator(),
                        Importance.LOW,
                        "Tenant of each request topic, as topic:tenant pairs; a topic not listed belongs to 'default'."
                                + " The tenant is configuration, never read from a record (a producer cannot bill"
                                + " another tenant); it tags the cost metrics (bridge.cost.usd), so only these names"
                                + " appear there. The worker prices results by the request's first topic.");
    }

    /** The settings that name these topics, e.g. for a role's config map on a test's or a benchmark's topics. */
    public static Map<String, String> topicSettings(TopicNames t) {
        Map<String, String> c = new LinkedHashMap<>();
        c.put(TOPIC_REQUESTS, String.join(",", t.requests()));
        c.put(TOPIC_BATCHES, t.batches());
        c.put(TOPIC_RESULTS, t.results());
        c.put(TOPIC_RETRY, t.retry());
        c.put(TOPIC_DLQ, t.dlq());
        c.put(TOPIC_BATCH_EVENTS, t.batchEvents());
        c.put(TOPIC_CHECKPOINTS, t.checkpoints());
        c.put(TOPIC_INTENTS, t.intents());
        c.put(TOPIC_SPEND, t.spend());
        return c;
    }

    public static TopicNames topicNames(BridgeConfig c) {
        List<String> requests = c.getList(TOPIC_REQUESTS);
        return new TopicNames(
                requests,
                c.getString(TOPIC_BATCHES),
                c.getString(TOPIC_RESULTS),
                c.getString(TOPIC_RETRY),
                c.getString(TOPIC_DLQ),
                c.getString(TOPIC_BATCH_EVENTS),
                c.getString(TOPIC_CHECKPOINTS),
                c.getString(TOPIC_INTENTS),
                c.getString(TOPIC_SPEND));
    }

    public static ModelCatalogue catalogue(BridgeConfig c) {
        String file = c.getString(MODELS_FILE);
        return file.isBlank() ? ModelCatalogue.defaults() : ModelCatalogue.fromFile(Path.of(file));
    }
}
