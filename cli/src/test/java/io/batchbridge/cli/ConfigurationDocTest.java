package io.batchbridge.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ConfigurationDocTest {
    private static final Path PAGE = Path.of("..", "docs", "configuration.md");

    @Test
    void committedConfigurationPageMatchesTheRoleDefinitions() throws IOException {
        String generated = ConfigDocs.markdown();
        String committed = Files.exists(PAGE) ? Files.readString(PAGE, StandardCharsets.UTF_8) : "";

        assertThat(committed)
                .as("docs/configuration.md is stale; regenerate it with: " + ConfigDocs.REGENERATE)
                .isEqualTo(generated);
    }

    @Test
    void configDocsPrintsEveryRoleKeyUnderItsHeading() {
        Cli.Result r = Cli.exec("config", "docs");

        assertThat(r.exitCode()).isZero();
        assertThat(r.out())
                .contains("## Submitter (`bridge submitter`)", "## Worker (`bridge worker`)")
                .contains("| `bridge.submitter.linger.ms` |", "| `bridge.worker.poll.initial.ms` |")
                .contains("[client.md](client.md)", "BRIDGE_SUBMITTER_LINGER_MS");
        assertThat(r.out().indexOf("## Submitter")).isLessThan(r.out().indexOf("## Worker"));
    }

    @Test
    void pageDoesNotDependOnTheMachineItWasGeneratedOn() {
        String page = ConfigDocs.markdown();

        assertThat(page).doesNotContain("`" + System.getenv().getOrDefault("HOSTNAME", "no-host-name") + "`");
        assertThat(page)
                .contains("| `bridge.submitter.instance.id` | string |", "| `bridge.worker.instance.id` | string |");
    }
}
