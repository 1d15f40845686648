package io.batchbridge.chaos;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One instance of a role (submitter or worker) in its own JVM, with its own instance id (so its own static
 * group membership and transactional ids) and its own ops port on loopback, where {@code /health/ready} says
 * when a restarted instance is up again. The fault threads take {@link #lock} while they work on it, so a
 * frozen zombie is not also SIGKILLed, and a rolling restart waits for a zombie to be thawed.
 */
final class RoleInstance {
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    final String role;
    final String instanceId;
    final int opsPort;
    final JavaProcess process;
    final ReentrantLock lock = new ReentrantLock();

    RoleInstance(String role, String instanceId, int opsPort, JavaProcess process) {
        this.role = role;
        this.instanceId = instanceId;
        this.opsPort = opsPort;
        this.process = process;
    }

    String name() {
        return process.name();
    }

    /** Whether {@code /health/ready} answers 200 now. */
    boolean ready() {
        try {
            HttpResponse<String> r = HTTP.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + opsPort + "/health/ready"))
                            .timeout(Duration.ofSeconds(10))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200;
        } catch (IOException e) {
            return false; // not listening yet: the JVM is starting
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * Waits until the instance is ready (Kafka reachable, partitions assigned, no API circuit open); false if it
     * was not within {@code max} — a fail-safe against a hung run, not a requirement on speed.
     */
    boolean awaitReady(Duration max) throws InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        while (System.nanoTime() < deadline) {
            if (ready()) {
                return true;
            }
            TimeUnit.MILLISECONDS.sleep(500);
        }
        return false;
    }

    @Override
    public String toString() {
        return name();
    }
}
