package io.batchbridge.cli;

import io.batchbridge.cli.estimate.CostEstimate;
import io.batchbridge.cli.estimate.EstimateReport;
import io.batchbridge.cli.estimate.Estimator;
import io.batchbridge.client.ApiAccounts;
import io.batchbridge.client.BatchesClient;
import io.batchbridge.client.ClientSettings;
import io.batchbridge.client.CountTokensBody;
import io.batchbridge.common.model.ModelCatalogue;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code bridge estimate}: what a Batches-format JSONL file (the file {@code bridge produce} publishes) will cost,
 * before anything is sent — input tokens per request from the API's {@code POST /v1/messages/count_tokens} (a local
 * estimate, labelled, when it cannot be reached or refuses the key), worst-case and expected cost at batch and
 * standard prices, and the caching opportunity (requests per shared prefix). See docs/estimate.md.
 */
@Command(
        name = "estimate",
        mixinStandardHelpOptions = true,
        description = {
            "Estimate a Batches-format JSONL file before it is sent: input tokens (count_tokens, else a labelled local"
                    + " estimate), worst-case and expected cost at batch and standard prices, requests per shared"
                    + " prefix. Nothing is published and no batch is created.",
            "Exit codes: 0 every line estimated, 1 some lines invalid (listed, not counted), 2 no such file or a bad"
                    + " option."
        })
final class EstimateCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ConfigOptions config = new ConfigOptions();

    @Option(
            names = "--account",
            defaultValue = ApiAccounts.DEFAULT,
            description = "API account whose count_tokens counts (default: ${DEFAULT-VALUE}).")
    String account;

    @Option(names = "--local", description = "Do not call count_tokens: local estimates (prompt bytes / 4) only.")
    boolean localOnly;

    @Option(names = "--per-request", description = "Print one line per request, too.")
    boolean perRequest;

    @Option(
            names = "--hit-rate",
            defaultValue = "0.3",
            paramLabel = "<0..1>",
            description = "Expected within-batch cache hit rate of a shared prefix (default: ${DEFAULT-VALUE}, the"
                    + " low end of the documented 30-98 %).")
    double hitRate;

    @Option(
            names = "--output-fraction",
            defaultValue = "1.0",
            paramLabel = "<0..1>",
            description = "Expected output as a fraction of max_tokens (default: ${DEFAULT-VALUE}: no output length"
                    + " can be known before the run).")
    double outputFraction;

    @Option(
            names = "--primed",
            description = "The submitter primes these requests (also assumed when the configuration sets"
                    + " bridge.submitter.primer.topics): a primer's last breakpoint gets the 1-hour TTL, so the worst"
                    + " case prices cached input at the 1-hour write rate.")
    boolean primed;

    @Option(
            names = "--top",
            defaultValue = "10",
            paramLabel = "<n>",
            description = "Shared prefixes to list (default: ${DEFAULT-VALUE}).")
    int top;

    @Parameters(index = "0", paramLabel = "<file.jsonl>", description = "Batches-format JSONL file.")
    Path file;

    Map<String, String> env = System.getenv();

    /** The submitter's primer topics key (its primers are sent with the 1-hour TTL). */
    static final String PRIMER_TOPICS = "bridge.submitter.primer.topics";

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try {
            return run(out, err);
        } catch (IllegalArgumentException e) {
            err.println("bridge estimate: " + e.getMessage());
            return 2;
        } finally {
            out.flush();
            err.flush();
        }
    }

    private int run(PrintWriter out, PrintWriter err) throws IOException {
        if (!Files.isRegularFile(file)) {
            err.println("bridge estimate: " + file + " is not a readable file");
            return 2;
        }
        Map<String, String> merged = config.merged(env);
        boolean primer = primed || !merged.getOrDefault(PRIMER_TOPICS, "").isBlank();
        CostEstimate.Assumptions assumptions = new CostEstimate.Assumptions(hitRate, outputFraction, primer);
        ModelCatalogue catalogue = ModelCatalogue.defaults();
        BatchesClient client = null;
        String localReason = "--local";
        if (!localOnly) {
            try {
                client = new BatchesClient(
                        ApiAccounts.from(env, merged).get(account),
                        ClientSettings.from(merged),
                        new SimpleMeterRegistry(),
                        Clock.systemUTC());
            } catch (IllegalArgumentException | IllegalStateException e) {
                localReason = "no API account to call count_tokens with (" + e.getMessage() + ")";
                err.println("bridge estimate: " + localReason + "; local estimates only");
            }
        }
        CostEstimate estimate = new CostEstimate(catalogue, assumptions);
        BatchesClient c = client;
        Estimator.Counter counter =
                c == null ? null : (params, betas) -> c.countTokens(CountTokensBody.fromParams(params), betas);
        Estimator estimator = new Estimator(estimate, counter, localReason, perRequest ? out : null, err);
        try (JsonlLines in = new JsonlLines(Files.newInputStream(file), ProduceCommand.MAX_LINE_BYTES)) {
            JsonlLines.Line line;
            while ((line = in.next()) != null) {
                if (line.blank()) {
                    continue;
                }
                if (line.oversized()) {
                    estimator.reject(line.number(), "the line is over " + ProduceCommand.MAX_LINE_BYTES + " bytes");
                    continue;
                }
                estimator.line(line.number(), line.bytes());
            }
        } finally {
            if (client != null) {
                client.close();
            }
        }
        EstimateReport.summary(out, estimate.summary(), estimator.invalid(), estimator.source(), assumptions, top);
        return estimator.invalid() == 0 ? 0 : 1;
    }
}
