package io.batchbridge.submitter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.batchbridge.common.config.CommonKeys;
import io.batchbridge.common.model.ModelCatalogue;
import io.batchbridge.common.testing.ManualClock;
import io.batchbridge.submitter.internal.SpendGuard;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

/** Issue #23: a spend limit the configuration cannot mean stops the submitter at start, naming the key. */
class SpendConfigTest {
    private final ManualClock clock = ManualClock.at("2026-03-01T12:00:00Z");

    @Test
    void aLimitForAnUnknownTenantOrANegativeLimitStopsTheStart() {
        Map<String, String> tenants = Map.of(CommonKeys.TOPIC_TENANTS, "orders:acme");
        assertThatThrownBy(() -> guard(with(tenants, SubmitterConfig.SPEND_LIMIT_USD_PER_DAY_PER_TENANT, "globex:5")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(SubmitterConfig.SPEND_LIMIT_USD_PER_DAY_PER_TENANT)
                .hasMessageContaining("globex");
        assertThatThrownBy(() -> guard(with(tenants, SubmitterConfig.SPEND_LIMIT_USD_PER_DAY_PER_TENANT, "acme:-2")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(SubmitterConfig.SPEND_LIMIT_USD_PER_DAY_PER_TENANT);
        assertThatThrownBy(() -> guard(with(tenants, SubmitterConfig.SPEND_LIMIT_USD_PER_DAY, "-1")))
                .as("refused when the configuration is loaded")
                .hasMessageContaining(SubmitterConfig.SPEND_LIMIT_USD_PER_DAY)
                .hasMessageContaining("at least 0");
    }

    @Test
    void withoutALimitTheGuardIsOffAndNeedsNoLedger() {
        SpendGuard guard = guard(Map.of());
        assertThat(guard.enabled()).isFalse();
        assertThat(guard.unavailable()).isFalse();
        guard.close();
    }

    private SpendGuard guard(Map<String, String> settings) {
        SubmitterConfig config = new SubmitterConfig(settings);
        return SubmitterClients.spendGuard(config, CommonKeys.topicNames(config), ModelCatalogue.defaults(), clock);
    }

    private static Map<String, String> with(Map<String, String> base, String key, String value) {
        Map<String, String> m = new java.util.HashMap<>(base);
        m.put(key, value);
        return m;
    }
}
