package io.batchbridge.chaos;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One part of the pipeline in its own JVM, on the test's class path. {@link #kill()} is a SIGKILL: no
 * shutdown hook runs, nothing is flushed or committed — a crash at a random moment.
 */
final class JavaProcess implements AutoCloseable {
    private final String name;
    private final List<String> command;
    private final Map<String, String> env;
    private final Path logDir;
    private Process process;
    private int starts;
    private boolean stopped;

    JavaProcess(String name, String mainClass, List<String> args, Map<String, String> env, Path logDir, String heap) {
        this.name = name;
        this.env = Map.copyOf(env);
        this.logDir = logDir;
        this.command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx" + heap);
        command.add("-XX:+UseSerialGC");
        command.add("-XX:TieredStopAtLevel=1");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(mainClass);
        command.addAll(args);
    }

    /** The emulator in its own JVM on {@code port}, simulating an hour per second, with these extra options. */
    static JavaProcess emulator(int port, Path logDir, String... options) {
        List<String> args = new ArrayList<>(List.of("--port", String.valueOf(port), "--time-scale", "3600"));
        args.addAll(List.of(options));
        return new JavaProcess("emulator", "io.batchbridge.emulator.EmulatorMain", args, Map.of(), logDir, "512m");
    }

    synchronized void start() {
        ProcessBuilder b = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(logDir.resolve(name + "-" + (++starts) + ".log").toFile());
        b.environment().putAll(env);
        try {
            process = b.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name, e);
        }
    }

    /** SIGKILL and wait for the process to be gone. */
    synchronized void kill() {
        if (process != null) {
            process.destroyForcibly();
            try {
                process.waitFor(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** SIGKILL, stay down for {@code pause}, start again — atomically with respect to {@link #restartIfDead}. */
    synchronized void killAndRestart(long pauseMillis) throws InterruptedException {
        kill();
        TimeUnit.MILLISECONDS.sleep(pauseMillis);
        start();
    }

    /** Restarts a process that exited by itself, as a supervisor (Kubernetes) would; true if it did. */
    synchronized boolean restartIfDead() {
        if (process != null && !process.isAlive() && !stopped) {
            start();
            return true;
        }
        return false;
    }

    /** SIGTERM (drain) and wait. */
    synchronized void stop() {
        stopped = true;
        if (process != null && process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(60, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            }
        }
    }

    synchronized boolean alive() {
        return process != null && process.isAlive();
    }

    String name() {
        return name;
    }

    @Override
    public synchronized void close() {
        if (process != null) {
            process.destroyForcibly();
        }
    }
}
