package io.batchbridge.worker;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.security.auth.AuthenticationContext;
import org.apache.kafka.common.security.auth.KafkaPrincipal;
import org.apache.kafka.common.security.auth.KafkaPrincipalBuilder;
import org.apache.kafka.common.security.auth.KafkaPrincipalSerde;

/**
 * For a test broker with an authorizer but no authentication: the controller listener's connections are
 * {@code User:controller} (a super user), every client's is {@code User:client}, so ACLs can refuse clients
 * something without locking the broker out of its own controller.
 */
public final class ListenerPrincipalBuilder implements KafkaPrincipalBuilder, KafkaPrincipalSerde {
    @Override
    public KafkaPrincipal build(AuthenticationContext context) {
        String name = "CONTROLLER".equals(context.listenerName()) ? "controller" : "client";
        return new KafkaPrincipal(KafkaPrincipal.USER_TYPE, name);
    }

    @Override
    public byte[] serialize(KafkaPrincipal principal) {
        return (principal.getPrincipalType() + ":" + principal.getName()).getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public KafkaPrincipal deserialize(byte[] bytes) {
        String s = new String(bytes, StandardCharsets.UTF_8);
        int colon = s.indexOf(':');
        return new KafkaPrincipal(s.substring(0, colon), s.substring(colon + 1));
    }
}
