package io.batchbridge.common.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.batchbridge.common.config.BridgeConfig;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;
import org.junit.jupiter.api.Test;

class OpsKeysTest {
    private static BridgeConfig config(ConfigDef def, Map<String, String> values) {
        return new BridgeConfig(def, values) {};
    }

    @Test
    void defaultsToTheRolesPortOnAllInterfaces() {
        OpsSettings s = OpsKeys.settings(config(OpsKeys.addTo(new ConfigDef(), OpsKeys.WORKER_DEFAULT_PORT), Map.of()));

        assertThat(s).isEqualTo(new OpsSettings("0.0.0.0", 9402));
        assertThat(s.enabled()).isTrue();
    }

    @Test
    void minusOneTurnsTheServerOffAndOutOfRangeIsRejectedByName() {
        ConfigDef def = OpsKeys.addTo(new ConfigDef());

        assertThat(OpsKeys.settings(config(def, Map.of("bridge.http.port", "-1")))
                        .enabled())
                .isFalse();
        assertThatThrownBy(() -> config(def, Map.of("bridge.http.port", "70000")))
                .hasMessageContaining("bridge.http.port")
                .hasMessageContaining("70000");
    }
}
