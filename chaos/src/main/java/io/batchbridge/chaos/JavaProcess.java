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
                .redirectOutput(log(++starts).toFile());
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

    /**
     * SIGTERM (the role drains and stops), wait for the exit (SIGKILL if it has not exited within {@code
     * maxWait}), and start again under the same instance id: one step of a rolling restart. Atomic with respect
     * to {@link #restartIfDead}, so the supervisor never starts a second copy. True if it exited by itself.
     */
    synchronized boolean terminateAndRestart(long maxWaitMillis) throws InterruptedException {
        boolean clean = true;
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(maxWaitMillis, TimeUnit.MILLISECONDS)) {
                clean = false;
                process.destroyForcibly();
                process.waitFor(30, TimeUnit.SECONDS);
            }
        }
        start();
        return clean;
    }

    /** SIGSTOP: the process stays alive but runs no instruction — no heartbeat, no poll — until {@link #thaw}. */
    synchronized void freeze() {
        signal("STOP");
    }

    /** SIGCONT: a frozen process runs on where it stopped, unaware of the time that passed. */
    synchronized void thaw() {
        signal("CONT");
    }

    private void signal(String name) {
        if (process == null || !process.isAlive()) {
            throw new IllegalStateException(this.name + " is not running; cannot send SIG" + name);
        }
        try {
            Process kill = new ProcessBuilder("kill", "-" + name, String.valueOf(process.pid()))
                    .redirectErrorStream(true)
                    .start();
            if (!kill.waitFor(30, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new IllegalStateException("kill -" + name + " " + process.pid() + " failed");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot send SIG" + name + " to " + this.name, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while sending SIG" + name, e);
        }
    }

    /** The log of this process's {@code n}-th start (stdout and stderr). */
    Path log(int n) {
        return logDir.resolve(name + "-" + n + ".log");
    }

    /** How often this process has been started (its log files are {@code <name>-<n>.log}). */
    synchronized int starts() {
        return starts;
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
