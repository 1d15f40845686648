package io.batchbridge.cli.demo;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code bridge demo}: placeholder until the worker lands; the real demo replaces this class. */
@Command(name = "demo", mixinStandardHelpOptions = true, description = "Run the whole pipeline on embedded defaults.")
public final class DemoCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        System.err.println("bridge demo: not available yet (the worker role is being built)");
        return 1;
    }
}
