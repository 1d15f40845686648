package io.batchbridge.submitter;

import io.batchbridge.common.config.BridgeConfig;
import io.batchbridge.common.config.CommonKeys;
import io.batchbridge.common.config.InstanceId;
import io.batchbridge.common.http.OpsKeys;
import io.batchbridge.common.records.RequestEnvelope;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;

/** The submitter's configuration: every key declared once, with type, default, validator and documentation. */
public final class SubmitterConfig extends BridgeConfig {
    public static final String GROUP_ID = "bridge.submitter.group.id";
    public static final String INSTANCE_ID = InstanceId.key("submitter");
    public static final String TOPICS_PATTERN = "bridge.submitter.topics.pattern";
    public static final String TOPIC_ACCOUNTS = "bridge.submitter.topic.accounts";
    public static final String TOPIC_ACCOUNTS_ALLOWED = "bridge.submitter.topic.accounts.allowed";
    public static final String RECORD_ACCOUNT_CHOICE = "bridge.submitter.record.account.choice";
    public static final String BETAS_REJECT_UNKNOWN = "bridge.submitter.betas.reject.unknown";
    public static final String MAX_BATCH_REQUESTS = "bridge.submitter.max.batch.requests";
    public static final String MAX_BATCH_BYTES = "bridge.submitter.max.batch.bytes";
    public static final String LINGER_MS = "bridge.submitter.linger.ms";
    public static final String MAX_BUFFERED_BYTES = "bridge.submitter.max.buffered.bytes";
    public static final String MAX_RECORD_BYTES = "bridge.submitter.max.record.bytes";
    public static final String MAX_METADATA_BYTES = "bridge.submitter.max.metadata.bytes";
    public static final String UNKNOWN_MODEL_POLICY = "bridge.submitter.unknown.model.policy";
    public static final String REPLY_TO_ALLOWED = "bridge.submitter.reply.to.allowed";
    public static final String RETRY_MAX_ATTEMPTS = "bridge.submitter.retry.max.attempts";
    public static final String CREATE_BACKOFF_MS = "bridge.submitter.create.backoff.ms";
    public static final String MAX_CONCURRENT_CREATES = "bridge.submitter.max.concurrent.creates";
    public static final String TICKET_ITEMS_PER_RECORD = "bridge.submitter.ticket.items.per.record";
    public static final String BISECT_MAX_CALLS = "bridge.submitter.bisect.max.calls";
    public static final String SPOOL_THRESHOLD_BYTES = "bridge.submitter.spool.threshold.bytes";
    public static final String POLL_TIMEOUT_MS = "bridge.submitter.poll.timeout.ms";
    public static final String SPEND_LIMIT_USD_PER_DAY = "bridge.submitter.spend.limit.usd.per.day";
    public static final String DEDUP_ENABLED = "bridge.submitter.dedup.enabled";
    // ---- cache-aware packing and priming (issue #23) ----
    public static final String PACKING = "bridge.submitter.packing";
    public static final String PRIMER_TOPICS = "bridge.submitter.primer.topics";
    public static final String PRIMER_MIN_REQUESTS = "bridge.submitter.primer.min.requests";
    public static final String PRIMER_MAX_WAIT_MS = "bridge.submitter.primer.max.wait.ms";
    public static final String PRIMER_CHECK_INTERVAL_MS = "bridge.submitter.primer.check.interval.ms";
    public static final String SPEND_LIMIT_USD_PER_DAY_PER_TENANT =
            "bridge.submitter.spend.limit.usd.per.day.per.tenant";
    public static final String SPEND_LEDGER_TIMEOUT_MS = "bridge.submitter.spend.ledger.timeout.ms";

    /** The API's own limits. */
    public static final int API_MAX_REQUESTS = 100_000;

    public static final long API_MAX_BODY_BYTES = 256_000_000L;

    private static final ConfigDef DEFINITION = InstanceId.addTo(
                    OpsKeys.addTo(CommonKeys.addTo(new ConfigDef()), OpsKeys.SUBMITTER_DEFAULT_PORT),
                    "submitter",
                    "its transactional.id")
            .define(
                    GROUP_ID,
                    Type.STRING,
                    "bridge-submitter",
                    Importance.MEDIUM,
                    "Consumer group of the submitters (request topics and the retry topic).")
            .define(
                    TOPICS_PATTERN,
                    Type.STRING,
                    "",
                    new RegexValidator(),
                    Importance.MEDIUM,
                    "Regex of request topics to consume instead of the bridge.topics.requests list; empty uses the list.")
            .define(
                    TOPIC_ACCOUNTS,
                    Type.LIST,
                    "",
                    Importance.LOW,
                    "API account of each request topic, as topic:account pairs; a topic not listed uses 'default'.")
            .define(
                    TOPIC_ACCOUNTS_ALLOWED,
                    Type.LIST,
                    "",
                    Importance.LOW,
                    "Further accounts the records of a request topic may name in their 'account' field, as"
                            + " topic:account pairs (a topic may appear more than once); used when"
                            + " bridge.submitter.record.account.choice=listed.")
            .define(
                    RECORD_ACCOUNT_CHOICE,
                    Type.STRING,
                    "listed",
                    ConfigDef.ValidString.in("none", "listed", "any"),
                    Importance.MEDIUM,
                    "Which account a record may choose with its 'account' field: none (only its topic's account),"
                            + " listed (its topic's account or one listed in bridge.submitter.topic.accounts.allowed),"
                            + " any (every configured account: only where every producer may use every account)."
                            + " Others are dead-lettered as account_not_allowed.")
            .define(
                    BETAS_REJECT_UNKNOWN,
                    Type.BOOLEAN,
                    false,
                    Importance.LOW,
                    "true: dead-letter betas the model catalogue does not know (unknown_beta); false: pass well-formed"
                            + " betas through (a new beta needs no release). Malformed ones are always invalid_beta.")
            .define(
                    MAX_BATCH_REQUESTS,
                    Type.INT,
                    10_000,
                    Range.between(1, API_MAX_REQUESTS),
                    Importance.HIGH,
                    "A lane is flushed into an API batch when it holds this many requests (API maximum 100000).")
            .define(
                    MAX_BATCH_BYTES,
                    Type.LONG,
                    128L * 1024 * 1024,
                    Range.between(1024, API_MAX_BODY_BYTES - 1_000_000),
                    Importance.HIGH,
                    "A lane is flushed when its create body would exceed this many bytes (the API caps a body at 256 MB).")
            .define(
                    LINGER_MS,
                    Type.LONG,
                    30_000L,
                    Range.between(0, 24L * 3600 * 1000),
                    Importance.HIGH,
                    "A lane is flushed at the latest this long after its first request arrived.")
            .define(
                    MAX_BUFFERED_BYTES,
                    Type.LONG,
                    256L * 1024 * 1024,
                    Range.atLeast(1024 * 1024),
                    Importance.HIGH,
                    "Bytes of requests held in memory across all lanes; above it intake pauses until batches are created.")
            .define(
                    MAX_RECORD_BYTES,
                    Type.INT,
                    8 * 1024 * 1024,
                    Range.atLeast(1024),
                    Importance.MEDIUM,
                    "Larger request records are dead-lettered as record_too_large.")
            .define(
                    MAX_METADATA_BYTES,
                    Type.INT,
                    16 * 1024,
                    Range.between(0, 1024 * 1024),
                    Importance.LOW,
                    "Larger metadata objects are dead-lettered as invalid_field (metadata travels in every ticket).")
            .define(
                    UNKNOWN_MODEL_POLICY,
                    Type.STRING,
                    "reject",
                    ConfigDef.ValidString.in("reject", "pass_through"),
                    Importance.MEDIUM,
                    "reject: dead-letter models not in the catalogue (unknown_model); pass_through: let the API decide.")
            .define(
                    REPLY_TO_ALLOWED,
                    Type.STRING,
                    "bridge\\.results.*",
                    new RegexValidator(),
                    Importance.HIGH,
                    "reply_to topics must match this regex in full; others are dead-lettered as reply_to_not_allowed.")
            .define(
                    RETRY_MAX_ATTEMPTS,
                    Type.INT,
                    3,
                    Range.between(1, RequestEnvelope.ATTEMPT_LIMIT_CEILING),
                    Importance.MEDIUM,
                    "Attempts a request gets, the one attempt limit: decided when the request enters and carried"
                            + " with it (ticket item, retry record), so the worker obeys it; a transient failure on the"
                            + " last attempt is dead-lettered as attempts_exhausted. A retry record keeps the limit of"
                            + " its first attempt; one that carries none (from an older worker) gets this one.")
            .define(
                    CREATE_BACKOFF_MS,
                    Type.LONG,
                    10_000L,
                    Range.between(10, 3_600_000),
                    Importance.LOW,
                    "Wait before trying a create again after a transient failure that outlasted the client's retries.")
            .define(
                    MAX_CONCURRENT_CREATES,
                    Type.INT,
                    2,
                    Range.between(1, 32),
                    Importance.LOW,
                    "Batch creates in flight at once.")
            .define(
                    TICKET_ITEMS_PER_RECORD,
                    Type.INT,
                    2_000,
                    Range.between(1, 20_000),
                    Importance.LOW,
                    "A batch's ticket is split into records of at most this many items.")
            .define(
                    BISECT_MAX_CALLS,
                    Type.INT,
                    32,
                    Range.between(0, 100_000),
                    Importance.LOW,
                    "When the API rejects a whole batch (400 or 413 not about the beta header), its halves are created"
                            + " separately to isolate the offending request(s), spending at most this many create"
                            + " calls per batch; the requests still suspect then are dead-lettered as"
                            + " rejected_by_api. 0 dead-letters a rejected batch's requests at once.")
            .define(
                    SPOOL_THRESHOLD_BYTES,
                    Type.LONG,
                    32L * 1024 * 1024,
                    Range.atLeast(0),
                    Importance.LOW,
                    "Create bodies larger than this are assembled in a temporary file instead of memory.")
            .define(
                    POLL_TIMEOUT_MS,
                    Type.LONG,
                    200L,
                    Range.between(1, 10_000),
                    Importance.LOW,
                    "Longest a poll waits for records; also the loop's tick for linger and retry checks.")
            .define(
                    SPEND_LIMIT_USD_PER_DAY,
                    Type.DOUBLE,
                    0.0,
                    Range.atLeast(0),
                    Importance.MEDIUM,
                    "Daily spend limit in USD of the whole deployment (all submitter instances together, UTC day);"
                            + " 0: no limit. Before each create the batch's worst case is estimated (input tokens ="
                            + " params bytes / 4, output = max_tokens, at the model's batch prices) and reserved in the"
                            + " shared spend ledger (bridge.topics.spend), which every instance reads; a worker's"
                            + " actual cost of the batch replaces its worst case. A batch that would cross the limit"
                            + " waits and intake pauses until spend is reconciled or the next UTC day. Instances"
                            + " reserving at the same moment may overshoot by at most (instances - 1) x the largest"
                            + " batch's worst case.")
            .define(
                    SPEND_LIMIT_USD_PER_DAY_PER_TENANT,
                    Type.LIST,
                    "",
                    Importance.MEDIUM,
                    "Daily spend limit in USD of each listed tenant, as tenant:usd pairs (e.g. team-a:50,default:10);"
                            + " a tenant not listed has none. Tenants are those of bridge.topic.tenants (a request's"
                            + " tenant is its topic's, never a record field); naming another tenant, or a limit <= 0,"
                            + " stops the submitter at start. A batch of a tenant over its limit waits and that"
                            + " tenant's request topics pause; other tenants go on. Same ledger, day and overshoot"
                            + " bound as bridge.submitter.spend.limit.usd.per.day.")
            .define(
                    SPEND_LEDGER_TIMEOUT_MS,
                    Type.LONG,
                    5_000L,
                    Range.between(100, 120_000),
                    Importance.LOW,
                    "How long reading the spend ledger to its end, or writing a reservation to it, may take"
                            + " before the attempt counts as failed (nothing is created, the submitter reports"
                            + " spend_ledger_unavailable and tries again). Only used when a spend limit is set.")
            .define(
                    DEDUP_ENABLED,
                    Type.BOOLEAN,
                    false,
                    Importance.LOW,
                    "De-duplicate identical requests: requests of one batch (its lane, while it is assembled) with"
                            + " byte-identical params and the same tenant (bridge.topic.tenants, by origin topic)"
                            + " become one API item, whose answer each of them gets with its own custom_id, reply_to"
                            + " and metadata; they pay once. The same answer goes to all of them even at temperature"
                            + " > 0. Upgrade the workers first: an older worker dead-letters the sharing requests (results_unavailable).")
            // ---- cache-aware packing and priming (issue #23; docs/caching.md) ----
            .define(
                    PACKING,
                    Type.STRING,
                    "arrival",
                    ConfigDef.ValidString.in("prefix", "arrival"),
                    Importance.MEDIUM,
                    "How a lane's requests are packed into batches. prefix: each prompt-cache prefix (everything up to a"
                            + " request's last cache_control breakpoint, and the model) has a sub-lane of its own,"
                            + " cut alone when it reaches the batch size or bytes; at the lane's linger all sub-lanes"
                            + " are cut together, whole, into as few batches as fit, so a prefix's requests travel"
                            + " together in arrival order; requests without a breakpoint share one sub-lane that"
                            + " behaves as a lane always did. arrival (default): first come, first batched. Both obey"
                            + " max.batch.requests, max.batch.bytes and linger.ms. prefix saves the first cache"
                            + " write of a prefix in each batch that would otherwise also hold it and cannot read"
                            + " another's entry; it can cost more where first-come batches run one after another"
                            + " and later ones read earlier ones' entries (docs/caching.md); priming needs it.")
            .define(
                    PRIMER_TOPICS,
                    Type.LIST,
                    "",
                    Importance.MEDIUM,
                    "Request topics with the primer policy on (comma-separated; empty: off; needs"
                            + " bridge.submitter.packing=prefix). When a prompt-cache prefix this instance has not"
                            + " primed in the last hour gathers bridge.submitter.primer.min.requests requests in a"
                            + " lane, the first is sent alone in a batch of its own with its breakpoints set to the"
                            + " 1-hour TTL, and the others are held (offsets uncommitted) until that batch has ended,"
                            + " bridge.submitter.primer.max.wait.ms has passed, or holding would break"
                            + " bridge.submitter.max.buffered.bytes. Requests without a breakpoint are never held.")
            .define(
                    PRIMER_MIN_REQUESTS,
                    Type.INT,
                    5,
                    Range.between(2, API_MAX_REQUESTS),
                    Importance.LOW,
                    "Requests of one new prefix that must be waiting before one is sent ahead as a primer: below it,"
                            + " the hour of latency buys too few cache reads.")
            .define(
                    PRIMER_MAX_WAIT_MS,
                    Type.LONG,
                    3_600_000L,
                    Range.between(1_000, 24L * 3600 * 1000),
                    Importance.LOW,
                    "Longest the requests behind a primer are held; then they are released into their lane whether"
                            + " or not the primer batch has ended.")
            .define(
                    PRIMER_CHECK_INTERVAL_MS,
                    Type.LONG,
                    30_000L,
                    Range.between(100, 3_600_000),
                    Importance.LOW,
                    "How often the status of a primer batch is asked of the API (one retrieve call per primer per"
                            + " interval, off the poll thread).");

    public SubmitterConfig(Map<String, String> values) {
        super(DEFINITION, values);
    }

    public static ConfigDef definition() {
        return DEFINITION;
    }

    /** topic → default account, from {@link #TOPIC_ACCOUNTS}. */
    public Map<String, String> topicAccounts() {
        Map<String, String> out = new HashMap<>();
        for (String pair : getList(TOPIC_ACCOUNTS)) {
            out.put(topicOf(TOPIC_ACCOUNTS, pair), accountOf(pair));
        }
        return out;
    }

    /** {@link #TOPIC_ACCOUNTS_ALLOWED} by request topic. */
    public Map<String, Set<String>> topicAccountsAllowed() {
        Map<String, Set<String>> out = new HashMap<>();
        for (String pair : getList(TOPIC_ACCOUNTS_ALLOWED)) {
            out.computeIfAbsent(topicOf(TOPIC_ACCOUNTS_ALLOWED, pair), t -> new HashSet<>())
                    .add(accountOf(pair));
        }
        return out;
    }

    /**
     * Stops loudly at start when a topic:account pair names an account that is not configured: a typo there
     * would otherwise dead-letter every record of the topic.
     */
    public void checkAccounts(Set<String> configured) {
        topicAccounts().forEach((topic, account) -> requireConfigured(TOPIC_ACCOUNTS, account, configured));
        topicAccountsAllowed()
                .forEach(
                        (topic, names) -> names.forEach(a -> requireConfigured(TOPIC_ACCOUNTS_ALLOWED, a, configured)));
    }

    private static void requireConfigured(String key, String account, Set<String> configured) {
        if (!configured.contains(account)) {
            throw new ConfigException(key, account, "names an account that bridge.api.accounts does not configure");
        }
    }

    private static String topicOf(String key, String pair) {
        int colon = pair.lastIndexOf(':');
        if (colon <= 0 || colon == pair.length() - 1) {
            throw new ConfigException(key, pair, "must be topic:account");
        }
        return pair.substring(0, colon);
    }

    private static String accountOf(String pair) {
        return pair.substring(pair.lastIndexOf(':') + 1);
    }

    /** The primer policy's settings; priming needs prefix packing (it takes a prefix group out of its lane). */
    public io.batchbridge.submitter.internal.Primer.Settings primerSettings() {
        List<String> topics = getList(PRIMER_TOPICS).stream()
                .map(String::trim)
                .filter(t -> !t.isEmpty())
                .toList();
        if (!topics.isEmpty() && !"prefix".equals(getString(PACKING))) {
            throw new ConfigException(PRIMER_TOPICS, String.join(",", topics), "needs bridge.submitter.packing=prefix");
        }
        return new io.batchbridge.submitter.internal.Primer.Settings(
                new HashSet<>(topics),
                getInt(PRIMER_MIN_REQUESTS),
                getDuration(PRIMER_MAX_WAIT_MS),
                getDuration(PRIMER_CHECK_INTERVAL_MS));
    }

    /** The configured instance id, or $HOSTNAME, or {@code local}. */
    public String instanceId() {
        return InstanceId.of(this, "submitter");
    }

    /** Accepts any compilable regex. */
    static final class RegexValidator implements ConfigDef.Validator {
        @Override
        public void ensureValid(String name, Object value) {
            try {
                Pattern.compile(String.valueOf(value));
            } catch (PatternSyntaxException e) {
                throw new ConfigException(name, value, "must be a valid regular expression: " + e.getDescription());
            }
        }

        @Override
        public String toString() {
            return "a regular expression";
        }
    }
}
