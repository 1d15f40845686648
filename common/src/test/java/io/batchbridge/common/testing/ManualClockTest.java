package io.batchbridge.common.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class ManualClockTest {
    private static final Instant START = Instant.parse("2026-11-01T10:00:00.123456Z");

    @Test
    void standsStillUntilMovedByHand() {
        ManualClock clock = new ManualClock(START);
        assertThat(clock.instant()).isEqualTo(START);
        assertThat(clock.millis()).isEqualTo(START.toEpochMilli());
        assertThat(clock.getZone()).isEqualTo(ZoneOffset.UTC);

        assertThat(clock.advance(Duration.ofSeconds(90))).isEqualTo(START.plusSeconds(90));
        assertThat(clock.instant()).isEqualTo(START.plusSeconds(90));

        clock.set(Instant.EPOCH);
        assertThat(clock.instant()).isEqualTo(Instant.EPOCH);
        assertThat(ManualClock.at("2026-11-01T10:00:00.123456Z").instant()).isEqualTo(START);
    }

    @Test
    void aZonedViewSharesTheTime() {
        ManualClock clock = new ManualClock(START);
        Clock paris = clock.withZone(ZoneId.of("Europe/Paris"));
        assertThat(clock.withZone(ZoneOffset.UTC)).isSameAs(clock);
        assertThat(paris.getZone()).isEqualTo(ZoneId.of("Europe/Paris"));

        clock.advance(Duration.ofHours(1));
        assertThat(paris.instant()).isEqualTo(START.plusSeconds(3600));
    }
}
