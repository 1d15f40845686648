package io.batchbridge.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.batchbridge.common.config.BridgeConfig;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WorkerConfigTest {

    @Test
    void hasTheDocumentedDefaults() {
        WorkerConfig c = new WorkerConfig(Map.of());
        assertThat(c.duration(WorkerConfig.POLL_INITIAL_MS)).isEqualTo(Duration.ofSeconds(60));
        assertThat(c.getDouble(WorkerConfig.POLL_MULTIPLIER)).isEqualTo(1.5);
        assertThat(c.duration(WorkerConfig.POLL_MAX_MS)).isEqualTo(Duration.ofMinutes(10));
        assertThat(c.getInt(WorkerConfig.FANOUT_THREADS)).isEqualTo(2);
        assertThat(c.getInt(WorkerConfig.TXN_MAX_RECORDS)).isEqualTo(10_000);
        assertThat(c.duration(WorkerConfig.TXN_MAX_MS)).isEqualTo(java.time.Duration.ofSeconds(1));
        assertThat(c.getLong(WorkerConfig.TXN_MAX_BYTES)).isEqualTo(128L * 1024 * 1024);
        assertThat(c.getInt(WorkerConfig.RETRY_MAX_ATTEMPTS)).isEqualTo(3);
        assertThat(c.retryCanceled()).isFalse();
        assertThat(c.getInt(WorkerConfig.FANOUT_PREFETCH_BYTES)).isEqualTo(4 * 1024 * 1024);
    }

    /** Issue #22: read-ahead is a ring per stream; a ring too small to hold a read is refused, not crawled through. */
    @Test
    void readAheadIsOffOrARingOfAtLeast64KiB() {
        assertThat(new WorkerConfig(Map.of(WorkerConfig.FANOUT_PREFETCH_BYTES, "0"))
                        .getInt(WorkerConfig.FANOUT_PREFETCH_BYTES))
                .isZero();
        assertThat(new WorkerConfig(Map.of(WorkerConfig.FANOUT_PREFETCH_BYTES, "65536"))
                        .getInt(WorkerConfig.FANOUT_PREFETCH_BYTES))
                .isEqualTo(65_536);
        for (String bad : new String[] {"1", "65535", "-1", "1073741825"}) {
            assertThatThrownBy(() -> new WorkerConfig(Map.of(WorkerConfig.FANOUT_PREFETCH_BYTES, bad)))
                    .as(bad)
                    .isInstanceOf(BridgeConfig.InvalidConfigurationException.class)
                    .hasMessageContaining(WorkerConfig.FANOUT_PREFETCH_BYTES);
        }
    }

    @Test
    void reportsEveryBadValueByKeyAtOnce() {
        assertThatThrownBy(() -> new WorkerConfig(Map.of(
                        WorkerConfig.FANOUT_THREADS, "0",
                        WorkerConfig.CANCELED_POLICY, "ignore")))
                .isInstanceOf(BridgeConfig.InvalidConfigurationException.class)
                .hasMessageContaining(WorkerConfig.FANOUT_THREADS)
                .hasMessageContaining(WorkerConfig.CANCELED_POLICY);
    }

    /** Issue #19: the worker's limit key is deprecated, kept only as the fallback for items that carry none. */
    @Test
    void theWorkersAttemptLimitKeyIsDeprecatedButStillAccepted() {
        WorkerConfig c = new WorkerConfig(Map.of(WorkerConfig.RETRY_MAX_ATTEMPTS, "5"));

        assertThat(c.getInt(WorkerConfig.RETRY_MAX_ATTEMPTS)).isEqualTo(5);
        assertThat(WorkerConfig.definition().configKeys().get(WorkerConfig.RETRY_MAX_ATTEMPTS).documentation)
                .startsWith("Deprecated: the attempt limit is bridge.submitter.retry.max.attempts");
        assertThat(WorkerConfig.deprecationWarning())
                .contains(WorkerConfig.RETRY_MAX_ATTEMPTS + " is deprecated")
                .contains("bridge.submitter.retry.max.attempts");
    }

    @Test
    void rendersEveryWorkerKeyForTheConfigurationPage() {
        String md = BridgeConfig.markdown(WorkerConfig.definition());
        assertThat(md).contains("`bridge.worker.poll.initial.ms`").contains("`bridge.worker.canceled.policy`");
    }
}
