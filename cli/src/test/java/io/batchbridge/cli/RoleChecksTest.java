package io.batchbridge.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class RoleChecksTest {

    @Test
    void kafkaClientSettingsAreCheckedWithTheClientsOwnRulesAndNamedByTheUsersKey() {
        assertThat(RoleChecks.kafkaProblems(Map.of("kafka.acks", "maybe", "kafka.consumer.fetch.max.bytes", "lots")))
                .hasSize(2)
                .anySatisfy(e -> assertThat(e).startsWith("kafka.acks: ").contains("maybe"))
                .anySatisfy(e -> assertThat(e).startsWith("kafka.consumer.fetch.max.bytes: "));
    }

    @Test
    void saslAndSslSettingsPassWhenWellFormed() {
        assertThat(RoleChecks.kafkaProblems(Map.of(
                        "kafka.security.protocol", "SASL_SSL",
                        "kafka.sasl.mechanism", "PLAIN",
                        "kafka.sasl.jaas.config",
                                "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"u\" password=\"p\";",
                        "kafka.consumer.session.timeout.ms", "6000",
                        "bridge.submitter.linger.ms", "100")))
                .isEmpty();
    }

    @Test
    void aSettingSharedByBothClientsIsReportedOnce() {
        assertThat(RoleChecks.kafkaProblems(Map.of("kafka.security.protocol", "CARRIER_PIGEON")))
                .singleElement()
                .asString()
                .startsWith("kafka.security.protocol: ");
    }
}
