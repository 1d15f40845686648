package io.batchbridge.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code bridge config docs}: the generated configuration reference. */
@Command(
        name = "config",
        mixinStandardHelpOptions = true,
        description = "Configuration tools.",
        subcommands = {ConfigCommand.Docs.class})
final class ConfigCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(
            name = "docs",
            mixinStandardHelpOptions = true,
            description = "Print the configuration reference (Markdown) generated from the roles' definitions.")
    static final class Docs implements Runnable {
        @Spec
        CommandSpec spec;

        @Override
        public void run() {
            spec.commandLine().getOut().print(ConfigDocs.markdown());
            spec.commandLine().getOut().flush();
        }
    }
}
