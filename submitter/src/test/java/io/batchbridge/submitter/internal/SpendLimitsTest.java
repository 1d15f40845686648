package io.batchbridge.submitter.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.batchbridge.common.config.Tenants;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class SpendLimitsTest {
    private static final String TOTAL = "total.key";
    private static final String PER_TENANT = "tenant.key";
    private final Tenants tenants = Tenants.of(List.of("a-requests:team-a"));

    @Test
    void readsTheDeploymentsAndEachTenantsLimitInMicroDollars() {
        SpendLimits l = SpendLimits.of(TOTAL, 12.5, PER_TENANT, List.of("team-a:2.000001", "default:0.5"), tenants);
        assertThat(l.totalMicros()).isEqualTo(12_500_000);
        assertThat(l.tenantMicros()).isEqualTo(Map.of("team-a", 2_000_001L, "default", 500_000L));
        assertThat(l.ofTenant("team-b")).isZero();
        assertThat(l.any()).isTrue();
        assertThat(SpendLimits.of(TOTAL, 0, PER_TENANT, List.of(), tenants).any())
                .isFalse();
    }

    @Test
    void aLimitForATenantTheConfigurationDoesNotNameStopsTheStart() {
        assertThatThrownBy(() -> SpendLimits.of(TOTAL, 0, PER_TENANT, List.of("team-b:5"), tenants))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(PER_TENANT)
                .hasMessageContaining("team-b")
                .hasMessageContaining("bridge.topic.tenants");
    }

    @Test
    void negativeZeroMalformedOrRepeatedLimitsStopTheStart() {
        for (String bad : List.of("team-a:-1", "team-a:0", "team-a", "team-a:lots", ":5")) {
            assertThatThrownBy(() -> SpendLimits.of(TOTAL, 0, PER_TENANT, List.of(bad), tenants))
                    .as(bad)
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining(PER_TENANT);
        }
        assertThatThrownBy(() -> SpendLimits.of(TOTAL, 0, PER_TENANT, List.of("team-a:1", "team-a:2"), tenants))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("twice");
        assertThatThrownBy(() -> SpendLimits.of(TOTAL, -1, PER_TENANT, List.of(), tenants))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(TOTAL);
    }
}
