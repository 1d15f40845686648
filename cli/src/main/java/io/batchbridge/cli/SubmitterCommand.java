package io.batchbridge.cli;

import io.batchbridge.submitter.SubmitterApp;
import io.batchbridge.submitter.SubmitterConfig;
import picocli.CommandLine.Command;

/** {@code bridge submitter}: runs the submitter role against a real cluster and API until SIGTERM. */
@Command(
        name = "submitter",
        mixinStandardHelpOptions = true,
        description = {
            "Run the submitter: pack request records into API batches and write their tickets.",
            "Every key can come from --config, the environment (BRIDGE_SUBMITTER_LINGER_MS sets"
                    + " bridge.submitter.linger.ms) or --set; ANTHROPIC_API_KEY / ANTHROPIC_BASE_URL name the"
                    + " default account. Exit codes: 0 stopped on request, 1 failed, 2 invalid configuration."
        })
final class SubmitterCommand extends RoleCommand<SubmitterConfig> {
    static final RoleRunner.Spec<SubmitterConfig> SPEC = new RoleRunner.Spec<>(
            "submitter",
            "bridge.submitter.",
            SubmitterConfig.definition(),
            SubmitterConfig::new,
            (config, clients, registry, clock) ->
                    new SubmitterApp(config, clients::get, clients.names(), registry, clock));

    SubmitterCommand() {
        super(SPEC);
    }
}
