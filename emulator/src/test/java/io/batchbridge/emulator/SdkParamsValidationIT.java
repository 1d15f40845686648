package io.batchbridge.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.anthropic.client.AnthropicClient;
import com.anthropic.models.messages.batches.BatchCreateParams;
import com.anthropic.models.messages.batches.MessageBatch;
import com.anthropic.models.messages.batches.MessageBatchResult;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The same refusals as {@link ParamsValidationIT}, sent and read by the official Java SDK (3.12.0, bearer
 * credential, {@code anthropic-version: 2026-10-21}): each refused request is an errored result whose
 * {@code invalid_request_error} carries the message, and the accepted shapes succeed.
 */
@Timeout(60)
class SdkParamsValidationIT {
    private static Emulator emulator;
    private static AnthropicClient client;
    private static Map<String, MessageBatchResult> results;

    @BeforeAll
    static void createOneBatchOfEveryCaseWithTheSdk() {
        emulator = Emulator.builder().build().start();
        client = SdkFixtures.client(emulator);
        BatchCreateParams.Builder b = BatchCreateParams.builder();
        for (ParamsCases.Case c : ParamsCases.REFUSED) {
            b.addRequest(SdkFixtures.request(c.customId(), c.params()));
        }
        b.addRequest(SdkFixtures.request("accepted", ParamsCases.ACCEPTED));
        MessageBatch batch = client.messages().batches().create(b.build());
        emulator.advance(Duration.ofHours(1));
        results = SdkFixtures.results(client, batch.id());
    }

    @AfterAll
    static void stop() {
        client.close();
        emulator.close();
    }

    static Stream<ParamsCases.Case> refused() {
        return ParamsCases.REFUSED.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refused")
    void refusedParamsAreErroredResultsWithTheMessage(ParamsCases.Case c) {
        var error = results.get(c.customId()).errored().orElseThrow().error().error();
        assertThat(error.isInvalidRequestError()).isTrue();
        String message = error.asInvalidRequestError().message();
        assertThat(c.matches(message)).as(message + " should be " + c.message()).isTrue();
    }

    @Test
    void everyAcceptedShapeSucceeds() {
        assertThat(results.get("accepted").isSucceeded())
                .as(results.get("accepted").toString())
                .isTrue();
    }
}
