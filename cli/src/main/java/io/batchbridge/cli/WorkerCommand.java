package io.batchbridge.cli;

import io.batchbridge.worker.WorkerApp;
import io.batchbridge.worker.WorkerConfig;
import picocli.CommandLine.Command;

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
final class WorkerCommand extends RoleCommand<WorkerConfig> {
    static final RoleRunner.Spec<WorkerConfig> SPEC = new RoleRunner.Spec<>(
            "worker",
            "bridge.worker.",
            WorkerConfig.definition(),
            WorkerConfig::new,
            (config, clients, registry, clock) -> new WorkerApp(config, clients::get, registry, clock));

    WorkerCommand() {
        super(SPEC);
    }
}
