package io.batchbridge.common.config;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;

/**
 * Who a request's spend belongs to: a configured property of its request topic ({@value CommonKeys#TOPIC_TENANTS},
 * {@code topic:tenant} pairs), never a value a record carries, so a producer cannot bill another tenant. A topic
 * not listed belongs to {@value #DEFAULT}. The tenant is the {@code tenant} tag of the cost metrics, so only
 * configured names (and {@value #DEFAULT}) can appear there: the label is bounded by the configuration.
 *
 * <p>The worker maps a result to its tenant by the request's origin topic as the ticket item carries it: the
 * topic the request was first published to (the submitter ignores an {@code origin} a request record claims; a
 * retry keeps its first topic), so a retried request stays with its tenant.
 */
public final class Tenants {
    /** The tenant of a topic the configuration does not list. */
    public static final String DEFAULT = "default";

    /** Tenant names: short, lower-case, safe as a metric label value. */
    public static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_-]{0,31}");

    private final Map<String, String> byTopic;

    private Tenants(Map<String, String> byTopic) {
        this.byTopic = Map.copyOf(byTopic);
    }

    /** No tenants configured: everything is {@value #DEFAULT}. */
    public static Tenants none() {
        return new Tenants(Map.of());
    }

    /** From {@code topic:tenant} pairs (the value of {@value CommonKeys#TOPIC_TENANTS}). */
    public static Tenants of(List<String> pairs) {
        Map<String, String> out = new HashMap<>();
        for (String pair : pairs) {
            String problem = problem(pair);
            if (problem != null) {
                throw new ConfigException(CommonKeys.TOPIC_TENANTS, pair, problem);
            }
            int colon = pair.lastIndexOf(':');
            String topic = pair.substring(0, colon);
            String tenant = pair.substring(colon + 1);
            String before = out.put(topic, tenant);
            if (before != null && !before.equals(tenant)) {
                throw new ConfigException(
                        CommonKeys.TOPIC_TENANTS, pair, "topic " + topic + " already belongs to tenant " + before);
            }
        }
        return new Tenants(out);
    }

    public static Tenants of(BridgeConfig c) {
        return of(c.getList(CommonKeys.TOPIC_TENANTS));
    }

    /** The tenant of a request topic; {@value #DEFAULT} for a topic not listed or an unknown (null) one. */
    public String forTopic(String requestTopic) {
        return requestTopic == null ? DEFAULT : byTopic.getOrDefault(requestTopic, DEFAULT);
    }

    /** Every tenant name that can appear: the configured ones and {@value #DEFAULT}. */
    public Set<String> names() {
        Set<String> s = new TreeSet<>(byTopic.values());
        s.add(DEFAULT);
        return s;
    }

    private static String problem(String pair) {
        int colon = pair.lastIndexOf(':');
        if (colon <= 0 || colon == pair.length() - 1) {
            return "must be topic:tenant";
        }
        if (!NAME.matcher(pair.substring(colon + 1)).matches()) {
            return "a tenant name is 1 to 32 lower-case letters, digits, '_' or '-', starting with a letter or digit";
        }
        return null;
    }

    /** Checks each pair when the configuration is loaded. */
    static final class Validator implements ConfigDef.Validator {
        @Override
        public void ensureValid(String name, Object value) {
            if (value instanceof List<?> l) {
                of(l.stream().map(String::valueOf).toList());
            }
        }

        @Override
        public String toString() {
            return "topic:tenant pairs; tenant names [a-z0-9][a-z0-9_-]{0,31}";
        }
    }
}
