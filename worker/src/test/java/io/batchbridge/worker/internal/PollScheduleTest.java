package io.batchbridge.worker.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PollScheduleTest {
    private final PollSchedule defaults =
            new PollSchedule(Duration.ofSeconds(60), 1.5, Duration.ofMinutes(10), 0.0, () -> 0.5);

    @Test
    void growsByTheMultiplierUpToTheCap() {
        assertThat(defaults.base(0)).isEqualTo(Duration.ofSeconds(60));
        assertThat(defaults.base(1)).isEqualTo(Duration.ofSeconds(90));
        assertThat(defaults.base(2)).isEqualTo(Duration.ofMillis(135_000));
        assertThat(defaults.base(20)).isEqualTo(Duration.ofMinutes(10));
    }

    @Test
    void honoursALongerRetryAfter() {
        assertThat(defaults.next(0, Optional.of(Duration.ofMinutes(5)))).isEqualTo(Duration.ofMinutes(5));
        assertThat(defaults.next(0, Optional.of(Duration.ofSeconds(1)))).isEqualTo(Duration.ofSeconds(60));
    }

    @Test
    void spreadsIntervalsByTheJitter() {
        PollSchedule low = new PollSchedule(Duration.ofSeconds(60), 1.5, Duration.ofMinutes(10), 0.2, () -> 0.0);
        PollSchedule high = new PollSchedule(Duration.ofSeconds(60), 1.5, Duration.ofMinutes(10), 0.2, () -> 1.0);
        assertThat(low.next(0, Optional.empty())).isEqualTo(Duration.ofSeconds(48));
        assertThat(high.next(0, Optional.empty())).isEqualTo(Duration.ofSeconds(72));
    }

    @Test
    void aOneHourBatchCostsAboutTenRetrievesWithTheDefaultSchedule() {
        long elapsed = 0;
        int retrieves = 0;
        int polls = 0;
        while (elapsed < Duration.ofHours(1).toMillis()) {
            elapsed += defaults.next(polls++, Optional.empty()).toMillis();
            retrieves++;
        }
        int calls = retrieves + 1; // + the results download
        System.out.printf(
                "simulated one-hour batch: %d retrieves + 1 results download = %d API calls%n", retrieves, calls);
        assertThat(calls).isLessThanOrEqualTo(12);
    }
}
