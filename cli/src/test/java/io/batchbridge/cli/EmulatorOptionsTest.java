package io.batchbridge.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.batchbridge.emulator.EmulatorMain;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/**
 * {@code bridge emulator}, {@link EmulatorMain} and the options table of {@code docs/emulator.md} name the same
 * options, and every option the CLI takes reaches {@link EmulatorMain#parse}.
 */
class EmulatorOptionsTest {
    /** Surefire runs in the module directory; the page lives in the repository's docs/. */
    private static final Path PAGE = Path.of("..", "docs", "emulator.md");

    private static List<String> cliOptions() {
        List<String> names = new ArrayList<>();
        for (OptionSpec o :
                new CommandLine(new EmulatorCommand()).getCommandSpec().options()) {
            if (!o.usageHelp() && !o.versionHelp()) {
                names.add(o.longestName());
            }
        }
        return names;
    }

    @Test
    void theCliTakesExactlyTheOptionsOfEmulatorMain() {
        assertThat(cliOptions()).containsExactlyInAnyOrderElementsOf(EmulatorMain.OPTIONS);
    }

    @Test
    void docsEmulatorMdDocumentsExactlyTheseOptions() throws IOException {
        List<String> documented = new ArrayList<>();
        boolean inTable = false;
        for (String line : Files.readAllLines(PAGE)) {
            if (line.startsWith("| option |")) {
                inTable = true;
            } else if (inTable && !line.startsWith("|")) {
                break;
            } else if (inTable) {
                String first = line.split("\\|")[1];
                Matcher m = Pattern.compile("`(--[a-z-]+)").matcher(first);
                while (m.find()) {
                    documented.add(m.group(1));
                }
            }
        }
        assertThat(documented).containsExactlyInAnyOrderElementsOf(EmulatorMain.OPTIONS);
    }

    @Test
    void everyOptionGivenToTheCliReachesEmulatorMain() {
        EmulatorCommand command = new EmulatorCommand();
        CommandLine cli = new CommandLine(command);
        List<String> given = new ArrayList<>();
        for (String name : EmulatorMain.OPTIONS) {
            given.add(name);
            if (!name.equals("--counts-at-end")) {
                given.add(value(name));
            }
        }
        cli.parseArgs(given.toArray(String[]::new));

        assertThat(command.arguments()).containsExactlyInAnyOrderElementsOf(given);
        EmulatorMain.parse(command.arguments()).build().close();
    }

    private static String value(String option) {
        return switch (option) {
            case "--host" -> "127.0.0.1";
            case "--faults" -> "any:429=0.1";
            case "--api-key" -> "sk-x";
            case "--models" ->
                Path.of("..", "common", "src", "main", "resources", "io", "batchbridge", "common", "models.json")
                        .toString();
            case "--output-tokens" -> "5-50";
            case "--max-queue-time", "--cancel-delay", "--poll-retry-after" -> "3s";
            case "--error-rate", "--expire-rate", "--cache-hit-rate" -> "0.1";
            default -> "7";
        };
    }
}
