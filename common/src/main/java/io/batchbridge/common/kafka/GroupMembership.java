package io.batchbridge.common.kafka;

import io.batchbridge.common.config.BridgeConfig;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.errors.FencedInstanceIdException;
import org.apache.kafka.common.errors.ProducerFencedException;

/**
 * How a role's group consumer belongs to its group. By default each instance is a <em>static</em> member
 * ({@code group.instance.id} = its role and instance id), so an instance restarted under the same id takes its
 * partitions back at once instead of waiting for the dead member's session timeout (45 s by default), and a
 * rolling restart moves no partition. Static members do not leave the group when they close: that suits a
 * restart; a scale-down should hand its partitions over at once, which {@code bridge.group.leave.on.close}
 * does.
 *
 * <p>Two live instances with one id fence each other (consumer: {@link FencedInstanceIdException}; producer:
 * {@link ProducerFencedException}). A role that is fenced stops with {@link #fencedMessage}, never rejoins in a
 * loop: either it was replaced (a zombie) or its id is not unique (configuration).
 */
public final class GroupMembership {
    public static final String STATIC_MEMBERSHIP = "bridge.group.static.membership";
    public static final String LEAVE_ON_CLOSE = "bridge.group.leave.on.close";

    private GroupMembership() {}

    /** Adds the membership keys to a role's definition. */
    public static ConfigDef addTo(ConfigDef def) {
        return def.define(
                        STATIC_MEMBERSHIP,
                        Type.BOOLEAN,
                        true,
                        Importance.MEDIUM,
                        "true: the role's group consumer is a static member (group.instance.id = role and instance id),"
                                + " so a restarted instance gets its partitions back without waiting for the session"
                                + " timeout; every instance needs its own instance id. false: dynamic membership.")
                .define(
                        LEAVE_ON_CLOSE,
                        Type.BOOLEAN,
                        false,
                        Importance.MEDIUM,
                        "true: a graceful stop (SIGTERM) leaves the consumer group, so its partitions move at once"
                                + " (scale-down); false: a static member keeps them for the session timeout, so a"
                                + " restart under the same id resumes them without a rebalance (rolling restart).");
    }

    /** Makes {@code consumerProps} a static member unless the config turns it off or sets its own id. */
    public static void configure(
            Map<String, Object> consumerProps, BridgeConfig config, String role, String instanceId) {
        if (config.getBoolean(STATIC_MEMBERSHIP)) {
            consumerProps.putIfAbsent(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, memberId(role, instanceId));
        }
    }

    /** The {@code group.instance.id} of a role's instance. */
    public static String memberId(String role, String instanceId) {
        return "bridge-" + role + "-" + instanceId;
    }

    /** How to close the group consumer on a graceful stop; a crash-like halt never leaves the group. */
    public static CloseOptions closeOptions(BridgeConfig config, Duration timeout, boolean graceful) {
        CloseOptions.GroupMembershipOperation op = graceful && config.getBoolean(LEAVE_ON_CLOSE)
                ? CloseOptions.GroupMembershipOperation.LEAVE_GROUP
                : CloseOptions.GroupMembershipOperation.DEFAULT;
        return CloseOptions.groupMembershipOperation(op).withTimeout(timeout);
    }

    /** If {@code e} (or a cause) says another live client took this instance's id, the sentence to stop with. */
    public static Optional<String> fencedMessage(Throwable e, String role, String instanceId) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof FencedInstanceIdException || t instanceof ProducerFencedException) {
                return Optional.of(role + " instance id \"" + instanceId + "\" is in use by another live instance ("
                        + t.getClass().getSimpleName() + "): either this process was replaced and is a zombie,"
                        + " or two instances share bridge." + role + ".instance.id; give every instance its own."
                        + " Stopping instead of fencing each other in a loop.");
            }
        }
        return Optional.empty();
    }
}
