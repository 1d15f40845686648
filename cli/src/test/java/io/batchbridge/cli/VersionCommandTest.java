package io.batchbridge.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class VersionCommandTest {

    @Test
    void versionNamesTheBuildVersionAndJava() {
        StringWriter out = new StringWriter();
        CommandLine cl = BridgeMain.newCommandLine();
        cl.setOut(new PrintWriter(out));

        int rc = cl.execute("--version");

        assertThat(rc).isZero();
        assertThat(out.toString())
                .contains("bridge 0.1.0-SNAPSHOT")
                .contains("Java " + Runtime.version().feature());
    }

    @Test
    void unknownSubcommandIsAnErrorWithUsage() {
        StringWriter err = new StringWriter();
        CommandLine cl = BridgeMain.newCommandLine();
        cl.setErr(new PrintWriter(err));

        int rc = cl.execute("no-such-command");

        assertThat(rc).isEqualTo(2);
        assertThat(err.toString()).contains("Unmatched argument").contains("Usage: bridge");
    }
}
