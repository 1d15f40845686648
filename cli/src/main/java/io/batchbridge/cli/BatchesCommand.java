package io.batchbridge.cli;

import io.batchbridge.client.ApiAccounts;
import io.batchbridge.client.BatchesApiException;
import io.batchbridge.client.BatchesClient;
import io.batchbridge.client.ClientSettings;
import io.batchbridge.client.MessageBatch;
import io.batchbridge.client.ResultLine;
import io.batchbridge.client.ResultStream;
import io.batchbridge.common.records.Echo;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code bridge batches list|show|cancel|results}: operate on API batches through the batch-bridge client. */
@Command(
        name = "batches",
        mixinStandardHelpOptions = true,
        description = {
            "List, show, cancel API batches or print their results (account from ANTHROPIC_API_KEY /"
                    + " ANTHROPIC_BASE_URL or bridge.api.* keys; see docs/client.md)."
        },
        subcommands = {
            BatchesCommand.List.class,
            BatchesCommand.Show.class,
            BatchesCommand.Cancel.class,
            BatchesCommand.Results.class
        })
final class BatchesCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** What every batches subcommand shares: where the API is and which account to use. */
    abstract static class ApiCommand implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        ConfigOptions config = new ConfigOptions();

        @Option(
                names = "--account",
                defaultValue = ApiAccounts.DEFAULT,
                description = "API account (default: ${DEFAULT-VALUE}).")
        String account;

        Map<String, String> env = System.getenv();

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            try {
                Map<String, String> merged = config.merged(env);
                ApiAccounts accounts = ApiAccounts.from(env, merged);
                try (BatchesClient client = new BatchesClient(
                        accounts.get(account),
                        ClientSettings.from(merged),
                        new SimpleMeterRegistry(),
                        Clock.systemUTC())) {
                    return call(client, out);
                }
            } catch (BatchesApiException e) {
                err.println("bridge batches: the API answered " + e.status() + " " + Echo.of(e.errorType()) + ": "
                        + Echo.of(e.getMessage(), 1024));
                return 1;
            } catch (IllegalArgumentException | IllegalStateException e) {
                err.println("bridge batches: " + e.getMessage());
                return 2;
            } finally {
                out.flush();
                err.flush();
            }
        }

        abstract int call(BatchesClient client, PrintWriter out);
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List batches, newest first.")
    static final class List extends ApiCommand {
        @Override
        int call(BatchesClient client, PrintWriter out) {
            for (MessageBatch b : client.listAll()) {
                out.println(BatchText.row(b));
            }
            return 0;
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "Show one batch.")
    static final class Show extends ApiCommand {
        @Parameters(index = "0", paramLabel = "<batch-id>")
        String batchId;

        @Override
        int call(BatchesClient client, PrintWriter out) {
            out.print(BatchText.detail(client.retrieve(batchId)));
            return 0;
        }
    }

    @Command(name = "cancel", mixinStandardHelpOptions = true, description = "Cancel a batch.")
    static final class Cancel extends ApiCommand {
        @Parameters(index = "0", paramLabel = "<batch-id>")
        String batchId;

        @Override
        int call(BatchesClient client, PrintWriter out) {
            out.print(BatchText.detail(client.cancel(batchId)));
            return 0;
        }
    }

    @Command(
            name = "results",
            mixinStandardHelpOptions = true,
            description = "Print an ended batch's results as JSONL: custom_id, type, stop_reason, usage (no content"
                    + " unless --full).")
    static final class Results extends ApiCommand {
        @Parameters(index = "0", paramLabel = "<batch-id>")
        String batchId;

        @Option(names = "--full", description = "Include each succeeded message as the API sent it.")
        boolean full;

        @Override
        int call(BatchesClient client, PrintWriter out) {
            MessageBatch batch = client.retrieve(batchId);
            if (!batch.ended()) {
                spec.commandLine()
                        .getErr()
                        .println("bridge batches: " + Echo.of(batchId) + " is " + Echo.of(batch.processingStatus())
                                + "; results exist once it has ended");
                return 1;
            }
            try (ResultStream lines = client.results(batch)) {
                while (lines.hasNext()) {
                    ResultLine line = lines.next();
                    out.println(BatchText.resultJson(line, full));
                }
            }
            return 0;
        }
    }
}
