package io.batchbridge.common.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class TenantsTest {
    @Test
    void topicsMapToTheirConfiguredTenantAndOthersToDefault() {
        Tenants t = Tenants.of(List.of("orders:acme", "orders.eu:acme", "reports:globex"));
        assertThat(t.forTopic("orders")).isEqualTo("acme");
        assertThat(t.forTopic("orders.eu")).isEqualTo("acme");
        assertThat(t.forTopic("reports")).isEqualTo("globex");
        assertThat(t.forTopic("misc")).isEqualTo(Tenants.DEFAULT);
        assertThat(t.forTopic(null)).isEqualTo(Tenants.DEFAULT);
        assertThat(t.names()).containsExactly("acme", "default", "globex");
        assertThat(Tenants.none().forTopic("orders")).isEqualTo(Tenants.DEFAULT);
    }

    @Test
    void aTopicNameMayHoldAColonTheTenantIsAfterTheLastOne() {
        assertThat(Tenants.of(List.of("ns:orders:acme")).forTopic("ns:orders")).isEqualTo("acme");
    }

    @Test
    void malformedPairsUnsafeNamesAndConflictsAreRefusedAtLoad() {
        assertThatThrownBy(() -> Tenants.of(List.of("orders"))).isInstanceOf(ConfigException.class);
        assertThatThrownBy(() -> Tenants.of(List.of("orders:"))).isInstanceOf(ConfigException.class);
        assertThatThrownBy(() -> Tenants.of(List.of("orders:Acme Corp"))).isInstanceOf(ConfigException.class);
        assertThatThrownBy(() -> Tenants.of(List.of("orders:" + "a".repeat(33))))
                .isInstanceOf(ConfigException.class);
        assertThatThrownBy(() -> Tenants.of(List.of("orders:acme", "orders:globex")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("already belongs to tenant acme");
    }
}
