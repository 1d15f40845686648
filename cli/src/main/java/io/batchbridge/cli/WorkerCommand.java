package io.batchbridge.cli;

import io.batchbridge.worker.WorkerApp;
import io.batchbridge.worker.WorkerConfig;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code bridge worker}: runs the worker role against a real cluster and API until SIGTERM. */
@Command(
        name = "worker",
        mixinStandardHelpOptions = true,
        description = {
            "Run the worker: track open API batches and fan their results out to Kafka.",
            "Every key can come from --config, the environment (BRIDGE_WORKER_POLL_INITIAL_MS sets"
                    + " bridge.worker.poll.initial.ms) or --set; ANTHROPIC_API_KEY / ANTHROPIC_BASE_URL name the"
                    + " default account. Exit codes: 0 stopped on request, 1 failed, 2 invalid configuration."
        })
final class WorkerCommand implements Callable<Integer> {
    static final RoleRunner.Spec<WorkerConfig> SPEC = new RoleRunner.Spec<>(
            "worker",
            "bridge.worker.",
            WorkerConfig.definition(),
            WorkerConfig::new,
            (config, clients, registry, clock) -> new WorkerApp(config, clients::get, registry, clock));

    @Spec
    CommandSpec spec;

    @Mixin
    RoleOptions options = new RoleOptions();

    final RoleRunner runner = new RoleRunner();

    @Override
    public Integer call() {
        return runner.run(
                SPEC,
                options.merged(),
                options.env,
                options.drain(),
                spec.commandLine().getOut(),
                spec.commandLine().getErr());
    }

    /** Drains and stops a running worker, as SIGTERM does. */
    void stop() {
        runner.stop();
    }
}
