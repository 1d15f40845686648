package io.batchbridge.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.CompletableFuture;
import picocli.CommandLine;

/** Runs {@code bridge} in-process with captured output, optionally on its own thread. */
final class Cli {
    final CommandLine commandLine = BridgeMain.newCommandLine();
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    Cli() {
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
    }

    /** The command object of a subcommand (e.g. {@code "submitter"}), to set its environment or stop it. */
    @SuppressWarnings("unchecked")
    <T> T command(String name) {
        return (T) commandLine.getSubcommands().get(name).getCommand();
    }

    int run(String... args) {
        return commandLine.execute(args);
    }

    CompletableFuture<Integer> start(String... args) {
        CompletableFuture<Integer> rc = new CompletableFuture<>();
        Thread t = new Thread(() -> rc.complete(commandLine.execute(args)), "cli-" + args[0]);
        t.setDaemon(true);
        t.start();
        return rc;
    }

    String out() {
        synchronized (out.getBuffer()) {
            return out.toString();
        }
    }

    String err() {
        synchronized (err.getBuffer()) {
            return err.toString();
        }
    }

    /** Runs once and returns the result. */
    static Result exec(String... args) {
        Cli cli = new Cli();
        int rc = cli.run(args);
        return new Result(rc, cli.out(), cli.err());
    }

    record Result(int exitCode, String out, String err) {}
}
