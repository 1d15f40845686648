package io.batchbridge.cli.estimate;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.batchbridge.client.BatchesApiException;
import io.batchbridge.common.model.ModelCatalogue;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Line checks and the fallback from count_tokens to the local estimate. */
class EstimatorTest {
    private static final String PARAMS = "{\"model\":\"claude-sonnet-4-6\",\"max_tokens\":10,"
            + "\"messages\":[{\"role\":\"user\",\"content\":\"" + "x".repeat(396) + "\"}]}";
    /** (the messages value is 400 bytes + the framing) / 4 */
    private static final long LOCAL = ("[{\"role\":\"user\",\"content\":\"" + "x".repeat(396) + "\"}]").length() / 4;

    private final StringWriter err = new StringWriter();
    private final CostEstimate estimate =
            new CostEstimate(ModelCatalogue.defaults(), new CostEstimate.Assumptions(0.3, 1));

    private Estimator estimator(Estimator.Counter counter) {
        return new Estimator(estimate, counter, "--local", null, new PrintWriter(err, true));
    }

    private static byte[] line(String id) {
        return ("{\"custom_id\":\"" + id + "\",\"params\":" + PARAMS + "}").getBytes(UTF_8);
    }

    private static BatchesApiException failure(int status, String type) {
        return new BatchesApiException("count_tokens", status, type, "nope", null, null, false, false, null);
    }

    @Test
    void tokensComeFromCountTokensWhileItAnswers() {
        Estimator e = estimator((params, betas) -> 1234);

        assertThat(e.line(1, line("a"))).isTrue();

        assertThat(estimate.summary().inputTokens()).isEqualTo(1234);
        assertThat(e.source().label()).isEqualTo("count_tokens");
        assertThat(e.source().counted()).isEqualTo(1);
    }

    @Test
    void withoutACounterEveryRequestIsALabelledLocalEstimate() {
        Estimator e = estimator(null);

        e.line(1, line("a"));
        e.line(2, line("b"));

        assertThat(estimate.summary().inputTokens()).isEqualTo(2 * LOCAL);
        assertThat(e.source()).isEqualTo(new EstimateReport.Source(0, 2, "--local"));
        assertThat(e.source().label()).isEqualTo("local");
    }

    @Test
    void anUnreachableApiSwitchesToTheLocalEstimateForTheRestAndSaysSo() {
        List<Integer> calls = new ArrayList<>();
        Estimator e = estimator((params, betas) -> {
            calls.add(1);
            if (calls.size() == 2) {
                throw failure(0, BatchesApiException.CONNECTION_ERROR);
            }
            return 1000;
        });

        e.line(1, line("a"));
        e.line(2, line("b"));
        e.line(3, line("c"));

        assertThat(calls).hasSize(2); // not asked again once it failed
        assertThat(estimate.summary().inputTokens()).isEqualTo(1000 + 2 * LOCAL);
        assertThat(e.source().label()).isEqualTo("mixed");
        assertThat(e.source().localReason()).contains("count_tokens failed at line 2", "connection_error");
        assertThat(err.toString()).contains("local estimates from here on");
    }

    @Test
    void aKeyTheApiRefusesMeansLocalEstimates() {
        Estimator e = estimator((params, betas) -> {
            throw failure(401, "authentication_error");
        });

        assertThat(e.line(1, line("a"))).isTrue();

        assertThat(e.source()).extracting(EstimateReport.Source::label).isEqualTo("local");
        assertThat(estimate.summary().inputTokens()).isEqualTo(LOCAL);
    }

    @Test
    void aPromptTheApiRefusesIsAnInvalidLineNotCounted() {
        Estimator e = estimator((params, betas) -> {
            throw failure(400, "invalid_request_error");
        });

        assertThat(e.line(7, line("a"))).isFalse();

        assertThat(e.invalid()).isEqualTo(1);
        assertThat(estimate.summary().requests()).isZero();
        assertThat(err.toString()).contains("line 7: invalid, not counted: count_tokens refuses it: 400");
    }

    @Test
    void linesThatAreNotRequestsAreReportedWithTheirNumberAndNotCounted() {
        Estimator e = estimator(null);

        e.line(1, "{not json".getBytes(UTF_8));
        e.line(2, "{\"custom_id\":\"x\",\"params\":{\"model\":\"claude-sonnet-4-6\",\"messages\":[]}}".getBytes(UTF_8));
        e.line(3, "{\"custom_id\":\"y\",\"params\":{\"max_tokens\":5,\"messages\":[]}}".getBytes(UTF_8));
        e.line(4, line("ok"));

        assertThat(e.invalid()).isEqualTo(3);
        assertThat(estimate.summary().requests()).isEqualTo(1);
        assertThat(err.toString())
                .contains("line 1: invalid, not counted: malformed_json")
                .contains("line 2: invalid, not counted: max_tokens")
                .contains("line 3: invalid, not counted: model");
    }

    @Test
    void breakpointPrefixesAreScaledToTheCountedTokens() {
        PromptScan.Prompt p = new PromptScan.Prompt(
                "m",
                1L,
                4000,
                List.of(new PromptScan.Breakpoint(1, 600, false), new PromptScan.Breakpoint(2, 1000, true)));

        List<PromptScan.Breakpoint> scaled = Estimator.scaled(p, 1500);

        assertThat(scaled)
                .containsExactly(new PromptScan.Breakpoint(1, 900, false), new PromptScan.Breakpoint(2, 1500, true));
    }
}
