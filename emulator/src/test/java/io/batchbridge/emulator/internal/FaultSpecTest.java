package io.batchbridge.emulator.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.batchbridge.emulator.Endpoint;
import io.batchbridge.emulator.Fault;
import io.batchbridge.emulator.FaultKind;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class FaultSpecTest {
    @Test
    void specSetsRatesWithArgumentsAndScripts() {
        FaultTable t = new FaultTable(1);
        FaultSpec.apply("results:drop_mid_stream@4096=1.0,create:script=429@2s/500/drop/slow@250ms", t);
        assertThat(t.draw(Endpoint.CREATE)).isEqualTo(Fault.status(429).withRetryAfter(Duration.ofSeconds(2)));
        assertThat(t.draw(Endpoint.CREATE)).isEqualTo(Fault.status(500));
        assertThat(t.draw(Endpoint.CREATE)).isEqualTo(Fault.dropConnection());
        assertThat(t.draw(Endpoint.CREATE)).isEqualTo(Fault.slow(Duration.ofMillis(250)));
        assertThat(t.draw(Endpoint.CREATE)).isNull();
        assertThat(t.draw(Endpoint.RESULTS)).isEqualTo(Fault.dropMidStream(4096));
        assertThat(t.injectedCount()).isEqualTo(5);
    }

    @Test
    void anyRatesApplyToEveryEndpointAtRoughlyTheirProbability() {
        FaultTable t = new FaultTable(3);
        FaultSpec.apply("any:429=0.2", t);
        int hits = 0;
        for (int i = 0; i < 10_000; i++) {
            hits += t.draw(Endpoint.LIST) == null ? 0 : 1;
        }
        assertThat(hits).isBetween(1_700, 2_300);
    }

    @Test
    void badSpecIsRejectedNamingEveryProblemAndChangesNothing() {
        FaultTable t = new FaultTable(1);
        assertThatThrownBy(() -> FaultSpec.apply("any:429=0.5,nowhere:500=0.1,list:teapot=1,list:500=2", t))
                .hasMessageContaining("unknown endpoint 'nowhere'")
                .hasMessageContaining("unknown fault kind 'teapot'")
                .hasMessageContaining("between 0 and 1");
        assertThat(t.describe()).isEmpty();
    }

    @Test
    void describeRoundTripsThroughTheParser() {
        FaultTable t = new FaultTable(1);
        t.rate(Endpoint.ANY, Fault.of(FaultKind.HTTP_529), 0.25);
        t.script(Endpoint.LIST, java.util.List.of(Fault.dropMidStream(10)));
        FaultTable copy = new FaultTable(1);
        FaultSpec.apply(t.describe(), copy);
        assertThat(copy.describe()).isEqualTo(t.describe());
    }
}
