package io.batchbridge.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The roles' class path (cli's runtime class path: what {@code ./bridge submitter} runs and the image carries)
 * holds neither the Kafka broker, the emulator nor a test library, and {@code bridge} still builds its whole
 * command tree on it: picocli reads every subcommand class's methods, so a broker type in one of them (a lambda
 * capturing the broker, say) would stop the roles from starting.
 */
class RolesClassPathTest {

    @Test
    void rolesClassPathHoldsNoBrokerNoEmulatorAndNoTestLibrary() throws Exception {
        assertThat(rolesClassPath())
                .isNotEmpty()
                .noneMatch(e -> e.matches(".*/(kafka_2\\.13|kafka-server|kafka-raft|kafka-metadata|kafka-storage"
                        + "|kafka-group-coordinator|kafka-transaction-coordinator|scala-library"
                        + "|batch-bridge-embedded-kafka|embedded-kafka/target|batch-bridge-emulator|emulator/target"
                        + "|junit|opentest4j|assertj|awaitility|byte-buddy|mockito|jqwik|testcontainers)[^/]*(/.*)?"));
    }

    @Test
    void everyCommandsHelpAndTheVersionWorkOnTheRolesClassPath() throws Exception {
        List<URL> urls = new ArrayList<>();
        urls.add(Path.of(System.getProperty("launcher.classes")).toUri().toURL());
        for (String e : rolesClassPath()) {
            urls.add(Path.of(e).toUri().toURL());
        }
        try (URLClassLoader roles =
                new URLClassLoader(urls.toArray(URL[]::new), ClassLoader.getPlatformClassLoader())) {
            for (String args : List.of(
                    "--help",
                    "--version",
                    "submitter --help",
                    "worker --help",
                    "topics --help",
                    "demo --help",
                    "kafka --help",
                    "emulator --help")) {
                Object cl = roles.loadClass(BridgeMain.class.getName())
                        .getMethod("newCommandLine")
                        .invoke(null);
                StringWriter out = new StringWriter();
                cl.getClass().getMethod("setOut", PrintWriter.class).invoke(cl, new PrintWriter(out));
                cl.getClass().getMethod("setErr", PrintWriter.class).invoke(cl, new PrintWriter(out));
                Object exit = cl.getClass().getMethod("execute", String[].class).invoke(cl, (Object) args.split(" "));
                assertThat(exit).as(args + ": " + out).isEqualTo(0);
                assertThat(out.toString()).as(args).contains(args.startsWith("--version") ? "bridge " : "Usage:");
            }
        }
    }

    private static List<String> rolesClassPath() throws Exception {
        String file = System.getProperty("launcher.classpath.file");
        assumeTrue(file != null && Files.isRegularFile(Path.of(file)), "no bridge.classpath (run through Maven)");
        String cp = Files.readString(Path.of(file)).trim();
        return cp.isEmpty() ? List.of() : Arrays.asList(cp.split(java.io.File.pathSeparator));
    }
}
