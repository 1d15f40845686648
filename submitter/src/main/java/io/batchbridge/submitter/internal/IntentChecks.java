package io.batchbridge.submitter.internal;

import io.batchbridge.common.lifecycle.Threads;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * When the create intents are resolved ({@link IntentRecovery}): once at start, before the loop; then, on one
 * thread of their own so that the loop never waits for the API's list or a read of the batches topic, the intents
 * whose create outcome was unknown as soon as each has settled and again every {@link #UNKNOWN_EVERY}, and every
 * {@link #SWEEP_EVERY} every intent nobody resolves. A pass that fails (API or Kafka unavailable) leaves its intents open for the next one.
 */
public final class IntentChecks implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(IntentChecks.class);
    /** How often the intents of creates with an unknown outcome are looked at. */
    public static final Duration UNKNOWN_EVERY = Duration.ofMinutes(1);
    /** How often the whole intents topic is swept (a third of the age at which another instance's intent is ours). */
    public static final Duration SWEEP_EVERY = Duration.ofMinutes(5);

    private final IntentRecovery recovery;
    private final Clock clock;
    private final ScheduledExecutorService timer =
            Executors.newSingleThreadScheduledExecutor(Threads.daemon("submitter-intents"));

    public IntentChecks(IntentRecovery recovery, Clock clock) {
        this.recovery = recovery;
        this.clock = clock;
    }

    /** Resolves the intents a crash left open (blocking), then schedules the periodic passes. */
    public void start() {
        run("at start", recovery::recover);
        timer.scheduleWithFixedDelay(
                () -> run("of unknown create outcomes", recovery::resolveUnknown),
                UNKNOWN_EVERY.toMillis(),
                UNKNOWN_EVERY.toMillis(),
                TimeUnit.MILLISECONDS);
        timer.scheduleWithFixedDelay(
                () -> run("of the intents topic", recovery::sweep),
                SWEEP_EVERY.toMillis(),
                SWEEP_EVERY.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    /** A create's outcome became unknown: its intent is resolved as soon as it is {@code settled}. */
    public void unknownOutcome(Instant settled) {
        long delay = Math.max(0, Duration.between(clock.instant(), settled).toMillis());
        try {
            timer.schedule(
                    () -> run("of unknown create outcomes", recovery::resolveUnknown), delay, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException stopped) {
            // closing: the intent stays open for the next start
        }
    }

    private static void run(String pass, IntSupplier resolve) {
        long t0 = System.nanoTime();
        try {
            int n = resolve.getAsInt();
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            if (n > 0 || pass.equals("at start")) {
                log.info("create intents checked {} in {} ms ({} resolved)", pass, ms, n);
            }
        } catch (RuntimeException e) {
            log.warn(
                    "create intents could not be checked {} now; they stay open for the next pass: {}",
                    pass,
                    e.toString());
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
        try {
            timer.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
