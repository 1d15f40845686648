package io.batchbridge.cli;

import io.batchbridge.cli.demo.DemoCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code bridge} launcher: one entry point for the demo, the roles and everyday operations. */
@Command(
        name = "bridge",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "batch-bridge: a Kafka-native gateway to Claude's Message Batches API.",
        subcommands = {
            DemoCommand.class,
            SubmitterCommand.class,
            WorkerCommand.class,
            EmulatorCommand.class,
            KafkaCommand.class,
            TopicsCommand.class,
            ProduceCommand.class,
            EstimateCommand.class,
            TailCommand.class,
            BatchesCommand.class,
            DlqCommand.class,
            ConfigCommand.class,
            CommandLine.HelpCommand.class
        })
public final class BridgeMain implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(newCommandLine().execute(args));
    }

    /** The configured command line, shared by {@link #main} and tests. */
    public static CommandLine newCommandLine() {
        CommandLine cl = new CommandLine(new BridgeMain());
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setParameterExceptionHandler(BridgeMain::usageError);
        return cl;
    }

    /** The error, picocli's "did you mean" suggestions when it has some, and always the usage. */
    private static int usageError(CommandLine.ParameterException e, String[] args) {
        CommandLine cmd = e.getCommandLine();
        java.io.PrintWriter err = cmd.getErr();
        err.println(e.getMessage());
        CommandLine.UnmatchedArgumentException.printSuggestions(e, err);
        cmd.usage(err);
        err.flush();
        return cmd.getCommandSpec().exitCodeOnInvalidInput();
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
