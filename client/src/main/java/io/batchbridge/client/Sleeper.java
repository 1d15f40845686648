package io.batchbridge.client;

import java.time.Duration;

/**
 * How the client waits between retry attempts. Production uses {@link #SYSTEM}; tests inject a recorder
 * and assert the schedule without waiting.
 */
@FunctionalInterface
public interface Sleeper {
    Sleeper SYSTEM = d -> Thread.sleep(d.toMillis(), 0);

    void sleep(Duration duration) throws InterruptedException;
}
