package io.batchbridge.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Runs only in the {@code image} profile, after {@code jib:buildTar}: checks the image config and runs the
 * entrypoint in the unpacked image without a Docker daemon (chroot in a fresh mount and PID namespace, so
 * {@code /proc} exists; as root, or in an unprivileged user namespace). Skipped where neither works.
 */
class ImageTarballIT {
    private static Path tarball;
    private static Path work;
    private static JsonNode config;

    @BeforeAll
    static void unpack() throws Exception {
        String t = System.getProperty("image.tarball");
        assumeTrue(t != null && Files.isRegularFile(Path.of(t)), "no image tarball (build with -Pimage)");
        tarball = Path.of(t);
        work = tarball.resolveSibling("image-check");
        run(List.of("rm", "-rf", work.toString()), 60);
        Files.createDirectories(work.resolve("rootfs"));
        run(List.of("tar", "-xf", tarball.toString(), "-C", work.toString()), 120);
        JsonNode manifest = DeployFiles.JSON
                .readTree(work.resolve("manifest.json").toFile())
                .get(0);
        config = DeployFiles.JSON.readTree(
                work.resolve(manifest.path("Config").asText()).toFile());
        for (JsonNode layer : manifest.path("Layers")) {
            run(
                    List.of(
                            "tar",
                            "--warning=no-unknown-keyword",
                            "-xzf",
                            work.resolve(layer.asText()).toString(),
                            "-C",
                            work.resolve("rootfs").toString()),
                    300);
        }
    }

    @Test
    void imageRunsAsNonRootWithTheLauncherAndTheOpsPorts() {
        JsonNode c = config.path("config");
        assertThat(c.path("User").asText()).isEqualTo(System.getProperty("image.user", "65532"));
        assertThat(c.path("Entrypoint").get(0).asText()).isEqualTo("/opt/batch-bridge/bin/bridge");
        assertThat(c.path("ExposedPorts").has("9401/tcp")).isTrue();
        assertThat(c.path("ExposedPorts").has("9402/tcp")).isTrue();
        assertThat(c.path("ExposedPorts").has("8089/tcp")).isTrue();
        assertThat(c.path("Env").toString()).contains("-XX:MaxRAMPercentage=75", "-XX:+ExitOnOutOfMemoryError");
    }

    /** The roles' class path only: no Kafka broker, no emulator on the class path, no test library (#21). */
    @Test
    void imageCarriesNeitherTheBrokerNorTestLibraries() throws Exception {
        List<String> libs;
        try (var files = Files.list(work.resolve("rootfs/app/libs"))) {
            libs = files.map(f -> f.getFileName().toString()).sorted().toList();
        }
        assertThat(libs)
                .contains("batch-bridge-submitter-0.1.0-SNAPSHOT.jar", "batch-bridge-worker-0.1.0-SNAPSHOT.jar")
                .noneMatch(j -> j.matches("(kafka_2\\.13|kafka-server|kafka-raft|kafka-metadata|kafka-storage"
                        + "|kafka-group-coordinator|kafka-transaction-coordinator|scala-library"
                        + "|batch-bridge-embedded-kafka|batch-bridge-emulator"
                        + "|junit|opentest4j|assertj|awaitility|byte-buddy|mockito|jqwik|testcontainers).*"));
        assertThat(work.resolve("rootfs/opt/batch-bridge/tools/batch-bridge-emulator.jar"))
                .isRegularFile();
    }

    @Test
    void emulatorRunsFromTheImageAndTheBrokerCommandsSayWhyNot() throws Exception {
        // EmulatorMain reads the options: the emulator's classes are on this command's class path.
        Result emulator = inImage(List.of("/opt/batch-bridge/bin/bridge", "emulator", "--time-scale", "fast"));
        assertThat(emulator.exit).as(emulator.output).isEqualTo(2);
        assertThat(emulator.output).contains("bridge emulator: --time-scale must be a number but was 'fast'");
        Result demo = inImage(List.of("/opt/batch-bridge/bin/bridge", "demo"));
        assertThat(demo.exit).isEqualTo(2);
        assertThat(demo.output).contains("bridge demo: not in the image");
    }

    @Test
    void entrypointPrintsTheVersionInsideTheImage() throws Exception {
        Result r = inImage(List.of("/opt/batch-bridge/bin/bridge", "--version"));
        assertThat(r.exit).as(r.output).isZero();
        assertThat(r.output).contains("bridge 0.1.0-SNAPSHOT");
    }

    @Test
    void launcherRejectsAnUnreadableKeyFile() throws Exception {
        Result r = inImage(
                List.of("/usr/bin/env", "ANTHROPIC_API_KEY_FILE=/nope", "/opt/batch-bridge/bin/bridge", "--version"));
        assertThat(r.exit).isEqualTo(2);
        assertThat(r.output).contains("ANTHROPIC_API_KEY_FILE=/nope is not a readable file");
    }

    private static Result inImage(List<String> command) throws Exception {
        String user = System.getProperty("image.user", "65532");
        List<String> cmd = new ArrayList<>();
        boolean root = "root".equals(System.getProperty("user.name"));
        cmd.addAll(List.of("unshare"));
        if (!root) {
            cmd.add("--map-root-user");
        }
        cmd.addAll(List.of("--fork", "--pid", "--mount", "--mount-proc=" + work.resolve("rootfs/proc"), "chroot"));
        if (root) {
            cmd.add("--userspec=" + user + ":" + user);
        }
        cmd.add(work.resolve("rootfs").toString());
        cmd.addAll(command);
        Result r = run(cmd, 120);
        assumeTrue(
                !r.output.contains("unshare failed") && !r.output.contains("Operation not permitted"),
                "no chroot here: " + r.output);
        return r;
    }

    record Result(int exit, String output) {}

    private static Result run(List<String> cmd, int seconds) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(seconds, TimeUnit.SECONDS))
                .as(String.join(" ", cmd))
                .isTrue();
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }
}
