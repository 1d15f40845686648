package io.batchbridge.submitter;

import io.batchbridge.common.config.Tenants;
import io.batchbridge.common.kafka.GroupMembership;
import io.batchbridge.common.kafka.KafkaClientDefaults;
import io.batchbridge.common.model.ModelCatalogue;
import io.batchbridge.common.topics.TopicNames;
import io.batchbridge.submitter.internal.SpendGuard;
import io.batchbridge.submitter.internal.SpendLedger;
import io.batchbridge.submitter.internal.SpendLimits;
import io.batchbridge.submitter.internal.TopicLimits;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;

/** The Kafka client settings of one submitter generation, and what it reads from the broker before it starts. */
final class SubmitterClients {
    private SubmitterClients() {}

    static Map<String, Object> producer(SubmitterConfig config) {
        String txId = "bridge-submitter-" + config.instanceId();
        Map<String, Object> props = KafkaClientDefaults.transactionalProducer("", txId);
        props.remove("bootstrap.servers");
        props.putAll(config.kafkaSettings("producer"));
        return props;
    }

    static Map<String, Object> consumer(SubmitterConfig config) {
        Map<String, Object> props = KafkaClientDefaults.consumer("", config.getString(SubmitterConfig.GROUP_ID));
        props.remove("bootstrap.servers");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 500);
        props.putAll(config.kafkaSettings("consumer"));
        GroupMembership.configure(props, config, "submitter", config.instanceId());
        return props;
    }

    /** A non-transactional idempotent producer ({@code acks=all}) for create intents. */
    static Map<String, Object> intentProducer(SubmitterConfig config) {
        Map<String, Object> props = KafkaClientDefaults.producer("");
        props.remove("bootstrap.servers");
        props.putAll(config.kafkaSettings("producer"));
        props.remove(ProducerConfig.TRANSACTIONAL_ID_CONFIG);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.CLIENT_ID_CONFIG, "bridge-submitter-intents-" + config.instanceId());
        return props;
    }

    /** An idempotent {@code acks=all} producer of spend ledger entries. */
    static Map<String, Object> spendProducer(SubmitterConfig config) {
        Map<String, Object> props = intentProducer(config);
        props.put(ProducerConfig.CLIENT_ID_CONFIG, "bridge-submitter-spend-" + config.instanceId());
        props.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        return props;
    }

    /**
     * A read_uncommitted consumer without a group that tails the spend ledger (a worker's actual is transactional;
     * waiting for the last stable offset could hide reservations written after an open transaction).
     */
    static Map<String, Object> spendConsumer(SubmitterConfig config) {
        Map<String, Object> props = plainConsumer(config);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted");
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "bridge-submitter-spend-" + config.instanceId());
        return props;
    }

    /** The spend guard of the configured limits; with a limit, its ledger on the spend topic. */
    static SpendGuard spendGuard(
            SubmitterConfig config, TopicNames topics, ModelCatalogue catalogue, java.time.Clock clock) {
        Tenants tenants = Tenants.of(config);
        SpendLimits limits = SpendLimits.of(
                SubmitterConfig.SPEND_LIMIT_USD_PER_DAY,
                config.getDouble(SubmitterConfig.SPEND_LIMIT_USD_PER_DAY),
                SubmitterConfig.SPEND_LIMIT_USD_PER_DAY_PER_TENANT,
                config.getList(SubmitterConfig.SPEND_LIMIT_USD_PER_DAY_PER_TENANT),
                tenants);
        SpendLedger ledger = limits.any()
                ? SpendLedger.kafka(
                        new KafkaProducer<>(spendProducer(config)),
                        new KafkaConsumer<>(spendConsumer(config)),
                        topics.spend(),
                        config.getDuration(SubmitterConfig.SPEND_LEDGER_TIMEOUT_MS))
                : null;
        return new SpendGuard(limits, catalogue, tenants, topics.retry(), ledger, config.instanceId(), clock);
    }

    /** A read_committed consumer without a group (intent recovery reads the intents and batches topics). */
    static Map<String, Object> plainConsumer(SubmitterConfig config) {
        Map<String, Object> props = KafkaClientDefaults.consumer("", "unused");
        props.remove("bootstrap.servers");
        props.putAll(config.kafkaSettings("consumer"));
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        props.remove(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "bridge-submitter-recovery-" + config.instanceId());
        return props;
    }

    /** The Admin client's settings: {@code kafka.*} and {@code kafka.admin.*}, like the other clients. */
    static Map<String, Object> admin(SubmitterConfig config) {
        Map<String, Object> props = new HashMap<>(config.kafkaSettings("admin"));
        props.putIfAbsent(AdminClientConfig.CLIENT_ID_CONFIG, "bridge-submitter-admin-" + config.instanceId());
        return props;
    }

    /** The record limits of the topics the submitter writes, read with the Admin client (not a metadata request). */
    static TopicLimits limits(SubmitterConfig config, TopicNames topics, Map<String, Object> producer) {
        try (Admin admin = Admin.create(admin(config))) {
            return TopicLimits.read(
                    admin, List.of(topics.batches(), topics.dlq(), topics.batchEvents(), topics.intents()), producer);
        }
    }

    /** An exception and its causes on one line: the log names what failed, not only the wrapper. */
    static String describe(Throwable e) {
        StringBuilder b = new StringBuilder(e.toString());
        int depth = 0;
        for (Throwable c = e.getCause(); c != null && c != e && depth < 5; c = c.getCause(), depth++) {
            b.append(" ← ").append(c);
        }
        return b.toString();
    }
}
