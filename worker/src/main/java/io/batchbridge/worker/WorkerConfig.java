package io.batchbridge.worker;

import io.batchbridge.common.config.BridgeConfig;
import io.batchbridge.common.config.CommonKeys;
import io.batchbridge.common.config.InstanceId;
import io.batchbridge.common.http.OpsKeys;
import io.batchbridge.common.records.RequestEnvelope;
import io.batchbridge.common.topics.TopicProvisioner;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker's configuration: every key declared once in {@link #definition()}, with type, default, validator
 * and documentation; validated eagerly with every error at once. Kafka client settings pass through under
 * {@code kafka.*}, {@code kafka.producer.*} and {@code kafka.consumer.*}; API accounts and client settings
 * under {@code bridge.api.*} (see the client module).
 */
public final class WorkerConfig extends BridgeConfig {
    private static final Logger log = LoggerFactory.getLogger(WorkerConfig.class);

    public static final String GROUP_ID = "bridge.worker.group.id";
    public static final String INSTANCE_ID = InstanceId.key("worker");
    public static final String POLL_INITIAL_MS = "bridge.worker.poll.initial.ms";
    public static final String POLL_MULTIPLIER = "bridge.worker.poll.multiplier";
    public static final String POLL_MAX_MS = "bridge.worker.poll.max.ms";
    public static final String POLL_JITTER = "bridge.worker.poll.jitter";
    public static final String MAX_CONCURRENT_CALLS = "bridge.worker.max.concurrent.calls";
    public static final String MAX_CALLS_PER_SECOND = "bridge.worker.max.calls.per.second";
    public static final String FANOUT_THREADS = "bridge.worker.fanout.threads";
    public static final String FANOUT_RETRY_MS = "bridge.worker.fanout.retry.ms";
    public static final String TXN_MAX_RECORDS = "bridge.worker.txn.max.records";
    public static final String TXN_MAX_BYTES = "bridge.worker.txn.max.bytes";
    public static final String TXN_MAX_MS = "bridge.worker.txn.max.ms";
    public static final String MAX_RESULT_BYTES = "bridge.worker.max.result.bytes";
    public static final String FANOUT_PREFETCH_BYTES = "bridge.worker.fanout.prefetch.bytes";
    static final int DEFAULT_PREFETCH_BYTES = 4 * 1024 * 1024;
    static final int MIN_PREFETCH_BYTES = 64 * 1024;
    static final int MAX_PREFETCH_BYTES = 1024 * 1024 * 1024;
    /**
     * Deprecated: the attempt limit is the submitter's {@code bridge.submitter.retry.max.attempts}, carried by each
     * ticket item; this is only the fallback for items that carry none (written by older submitters).
     */
    public static final String RETRY_MAX_ATTEMPTS = "bridge.worker.retry.max.attempts";

    public static final String RETRY_BACKOFF_INITIAL_MS = "bridge.worker.retry.backoff.initial.ms";
    public static final String RETRY_BACKOFF_MAX_MS = "bridge.worker.retry.backoff.max.ms";
    public static final String CANCELED_POLICY = "bridge.worker.canceled.policy";
    public static final String DELETE_AFTER_FANOUT = "bridge.worker.delete.after.fanout";
    public static final String NOT_FOUND_LIMIT = "bridge.worker.not.found.limit";
    public static final String EXPIRY_WARNING_MS = "bridge.worker.expiry.warning.ms";
    public static final String POLL_TIMEOUT_MS = "bridge.worker.poll.timeout.ms";

    private static final ConfigDef DEFINITION = InstanceId.addTo(
                    OpsKeys.addTo(CommonKeys.addTo(new ConfigDef()), OpsKeys.WORKER_DEFAULT_PORT),
                    "worker",
                    "its transactional ids (bridge-worker-<id>-fanout-<n>)")
            .define(
                    GROUP_ID,
                    Type.STRING,
                    "bridge-worker",
                    Importance.MEDIUM,
                    "Consumer group of the workers on the batches topic.")
            .define(
                    POLL_INITIAL_MS,
                    Type.LONG,
                    60_000L,
                    Range.between(1, 24L * 3600 * 1000),
                    Importance.HIGH,
                    "Delay before the first retrieve of a newly tracked batch, in milliseconds.")
            .define(
                    POLL_MULTIPLIER,
                    Type.DOUBLE,
                    1.5,
                    Range.between(1.0, 10.0),
                    Importance.MEDIUM,
                    "Each retrieve of a batch still in progress multiplies its poll interval by this factor.")
            .define(
                    POLL_MAX_MS,
                    Type.LONG,
                    600_000L,
                    Range.between(1, 24L * 3600 * 1000),
                    Importance.HIGH,
                    "Upper bound of a batch's poll interval, in milliseconds (a server retry-after may exceed it).")
            .define(
                    POLL_JITTER,
                    Type.DOUBLE,
                    0.2,
                    Range.between(0.0, 1.0),
                    Importance.LOW,
                    "Random spread of each poll interval: 0.2 means +/-20 %, so thousands of batches created "
                            + "together do not poll together.")
            .define(
                    MAX_CONCURRENT_CALLS,
                    Type.INT,
                    4,
                    Range.between(1, 256),
                    Importance.HIGH,
                    "API calls (retrieve, delete) in flight at once, however many batches are open.")
            .define(
                    MAX_CALLS_PER_SECOND,
                    Type.DOUBLE,
                    10.0,
                    Range.between(0.01, 10_000.0),
                    Importance.HIGH,
                    "Upper bound of the worker's retrieve/delete call rate; keep it under the account's batch "
                            + "rate limit (requests per minute / 60) minus what the submitter uses.")
            .define(
                    FANOUT_THREADS,
                    Type.INT,
                    2,
                    Range.between(1, 64),
                    Importance.MEDIUM,
                    "Threads streaming results files, each with its own transactional producer.")
            .define(
                    FANOUT_RETRY_MS,
                    Type.LONG,
                    10_000L,
                    Range.between(1, 3_600_000),
                    Importance.LOW,
                    "Wait before a fan-out that failed transiently (broken stream, API error, aborted transaction) "
                            + "resumes from its checkpoint, in milliseconds (a server retry-after wins when longer).")
            .define(
                    TXN_MAX_RECORDS,
                    Type.INT,
                    10_000,
                    Range.between(1, 100_000),
                    Importance.MEDIUM,
                    "A fan-out transaction is committed after this many result lines.")
            .define(
                    TXN_MAX_MS,
                    Type.LONG,
                    1_000L,
                    Range.between(1, 60_000),
                    Importance.MEDIUM,
                    "A fan-out transaction is committed once it has been open this long, in milliseconds (checked "
                            + "at every line). It bounds how long read_committed consumers of the output topics wait "
                            + "behind an open transaction and how much work a crash redoes; every commit costs a few "
                            + "broker round trips, so much shorter means slower fan-out.")
            .define(
                    TXN_MAX_BYTES,
                    Type.LONG,
                    128L * 1024 * 1024,
                    Range.between(1024, 1024L * 1024 * 1024),
                    Importance.MEDIUM,
                    "A fan-out transaction is committed once its records reach this many bytes (uncompressed).")
            .define(
                    MAX_RESULT_BYTES,
                    Type.INT,
                    TopicProvisioner.LARGE_RECORD_BYTES - 64 * 1024,
                    Range.between(1024, Integer.MAX_VALUE),
                    Importance.MEDIUM,
                    "A result record larger than this (uncompressed) is dead-lettered as result_too_large instead of "
                            + "failing its transaction; keep it at or below the output topics' max.message.bytes.")
            .define(
                    RETRY_MAX_ATTEMPTS,
                    Type.INT,
                    3,
                    Range.between(1, RequestEnvelope.ATTEMPT_LIMIT_CEILING),
                    Importance.LOW,
                    "Deprecated: the attempt limit is bridge.submitter.retry.max.attempts, carried with each request."
                            + " Used only for ticket items written by submitters that do not carry it yet (before"
                            + " the limit was carried); setting it logs a warning at start.")
            .define(
                    RETRY_BACKOFF_INITIAL_MS,
                    Type.LONG,
                    60_000L,
                    Range.between(0, 24L * 3600 * 1000),
                    Importance.MEDIUM,
                    "not_before of a first retry is this long after the result was read; doubled per attempt.")
            .define(
                    RETRY_BACKOFF_MAX_MS,
                    Type.LONG,
                    3_600_000L,
                    Range.between(0, 7L * 24 * 3600 * 1000),
                    Importance.LOW,
                    "Upper bound of the retry backoff, in milliseconds.")
            .define(
                    CANCELED_POLICY,
                    Type.STRING,
                    "dead_letter",
                    ConfigDef.ValidString.in("retry", "dead_letter"),
                    Importance.MEDIUM,
                    "What a canceled request becomes: dead_letter (reason canceled) or retry (like expired).")
            .define(
                    FANOUT_PREFETCH_BYTES,
                    Type.INT,
                    DEFAULT_PREFETCH_BYTES,
                    ConfigDef.LambdaValidator.with(
                            (name, value) -> {
                                int v = (Integer) value;
                                if (v != 0 && (v < MIN_PREFETCH_BYTES || v > MAX_PREFETCH_BYTES)) {
                                    throw new ConfigException(
                                            name,
                                            value,
                                            "must be 0 (off) or between " + MIN_PREFETCH_BYTES + " and "
                                                    + MAX_PREFETCH_BYTES);
                                }
                            },
                            () -> "0 or [" + MIN_PREFETCH_BYTES + ",...," + MAX_PREFETCH_BYTES + "]"),
                    Importance.LOW,
                    "Bytes of a results file each fan-out reads ahead on a reader thread of its own while the "
                            + "current lines are sent and committed, into one ring of this size allocated once per "
                            + "stream (so heap grows by this much per fan-out thread, whatever the line sizes); "
                            + "0 reads on the fan-out thread. Without read-ahead the download stops whenever the "
                            + "fan-out does (docs/benchmarks.md).")
            .define(
                    DELETE_AFTER_FANOUT,
                    Type.BOOLEAN,
                    false,
                    Importance.LOW,
                    "Delete the batch from the API once its results are fanned out (its results are then gone).")
            .define(
                    NOT_FOUND_LIMIT,
                    Type.INT,
                    3,
                    Range.between(1, 1000),
                    Importance.LOW,
                    "Consecutive 404 answers to a retrieve after which a batch counts as deleted and its requests "
                            + "are dead-lettered as results_unavailable.")
            .define(
                    EXPIRY_WARNING_MS,
                    Type.LONG,
                    3_600_000L,
                    Range.atLeast(0),
                    Importance.LOW,
                    "Open batches this close to expires_at are counted in bridge.worker.batches.near.expiry.")
            .define(
                    POLL_TIMEOUT_MS,
                    Type.LONG,
                    200L,
                    Range.between(1, 10_000),
                    Importance.LOW,
                    "Longest wait of one consumer poll of the batches topic.");

    public WorkerConfig(Map<String, String> values) {
        super(DEFINITION, values);
        if (values.containsKey(RETRY_MAX_ATTEMPTS)) {
            log.warn(deprecationWarning());
        }
    }

    /** What a configuration that sets the deprecated {@link #RETRY_MAX_ATTEMPTS} is told at start. */
    static String deprecationWarning() {
        return RETRY_MAX_ATTEMPTS + " is deprecated and no longer the attempt limit: each request carries the limit"
                + " of the submitter that accepted it (bridge.submitter.retry.max.attempts). It applies only to ticket"
                + " items from submitters that do not carry one yet; remove it once every submitter is upgraded.";
    }

    /** Every worker key (and the shared topic keys), for validation and the generated configuration page. */
    public static ConfigDef definition() {
        return new ConfigDef(DEFINITION);
    }

    public Duration duration(String msKey) {
        return getDuration(msKey);
    }

    public boolean retryCanceled() {
        return "retry".equals(getString(CANCELED_POLICY));
    }

    /** The configured instance id, else $HOSTNAME, else {@code local}. */
    public String instanceId() {
        return InstanceId.of(this, "worker");
    }
}
