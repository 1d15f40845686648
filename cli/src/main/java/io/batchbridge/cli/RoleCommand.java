package io.batchbridge.cli;

import io.batchbridge.common.config.BridgeConfig;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code bridge submitter|worker}: runs the role of {@link RoleRunner.Spec} in the foreground until SIGTERM. */
abstract class RoleCommand<C extends BridgeConfig> implements Callable<Integer> {
    private final RoleRunner.Spec<C> role;

    @Spec
    CommandSpec spec;

    @Mixin
    RoleOptions options = new RoleOptions();

    final RoleRunner runner = new RoleRunner();

    RoleCommand(RoleRunner.Spec<C> role) {
        this.role = role;
    }

    @Override
    public Integer call() {
        return runner.run(
                role,
                options.merged(),
                options.env,
                options.drain(),
                spec.commandLine().getOut(),
                spec.commandLine().getErr());
    }

    /** Drains and stops the running role, as SIGTERM does. */
    void stop() {
        runner.stop();
    }
}
