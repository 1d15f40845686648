package io.batchbridge.submitter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.batchbridge.submitter.internal.Primer;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

/** The packing and primer keys: defaults, parsing, and the combination that cannot work. */
class SubmitterConfigPrimerTest {

    @Test
    void defaultsArePrefixPackingAndNoPrimer() {
        SubmitterConfig c = new SubmitterConfig(Map.of());

        assertThat(c.getString(SubmitterConfig.PACKING)).isEqualTo("arrival");
        Primer.Settings p = c.primerSettings();
        assertThat(p.enabled()).isFalse();
        assertThat(p.minRequests()).isEqualTo(5);
        assertThat(p.maxWait()).isEqualTo(Duration.ofHours(1));
    }

    @Test
    void primerTopicsAreReadAndNeedPrefixPacking() {
        Map<String, String> on = Map.of(
                SubmitterConfig.PACKING, "prefix",
                SubmitterConfig.PRIMER_TOPICS, "a, b",
                SubmitterConfig.PRIMER_MIN_REQUESTS, "12",
                SubmitterConfig.PRIMER_MAX_WAIT_MS, "60000");

        Primer.Settings p = new SubmitterConfig(on).primerSettings();

        assertThat(p.topics()).containsExactlyInAnyOrder("a", "b");
        assertThat(p.minRequests()).isEqualTo(12);
        assertThat(p.maxWait()).isEqualTo(Duration.ofMinutes(1));
        Map<String, String> arrival = new java.util.HashMap<>(on);
        arrival.remove(SubmitterConfig.PACKING); // the default: first come, first batched
        assertThatThrownBy(() -> new SubmitterConfig(arrival).primerSettings())
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(SubmitterConfig.PRIMER_TOPICS)
                .hasMessageContaining("packing=prefix");
        assertThatThrownBy(() -> new SubmitterConfig(Map.of(SubmitterConfig.PACKING, "sorted")))
                .hasMessageContaining(SubmitterConfig.PACKING);
        assertThatThrownBy(() -> new SubmitterConfig(Map.of(SubmitterConfig.PRIMER_MIN_REQUESTS, "1")))
                .hasMessageContaining(SubmitterConfig.PRIMER_MIN_REQUESTS);
    }
}
