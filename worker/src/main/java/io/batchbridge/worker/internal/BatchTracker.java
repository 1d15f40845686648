package io.batchbridge.worker.internal;

import io.batchbridge.client.BatchesApiException;
import io.batchbridge.client.BatchesClient;
import io.batchbridge.client.MessageBatch;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tracks open batches: each has its own poll schedule ({@link PollSchedule}) on one timer thread; due retrieves
 * run on a fixed pool of {@code maxConcurrentCalls} threads, paced by the {@link CallPacer}, so neither the
 * number of threads nor the call rate grows with the number of open batches. A failed retrieve means "unknown,
 * try later", never "ended"; only a number of consecutive 404 answers counts as the batch being gone.
 */
public final class BatchTracker implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(BatchTracker.class);

    private final Function<String, BatchesClient> clients;
    private final PollSchedule schedule;
    private final CallPacer pacer;
    private final int notFoundLimit;
    private final Consumer<OpenBatch> onEnded;
    private final EventPublisher events;
    private final WorkerMetrics metrics;
    private final Clock clock;
    private final ScheduledExecutorService timer;
    private final ExecutorService calls;
    private final ConcurrentHashMap<String, OpenBatch> open = new ConcurrentHashMap<>();

    public BatchTracker(
            Function<String, BatchesClient> clients,
            PollSchedule schedule,
            CallPacer pacer,
            int maxConcurrentCalls,
            int notFoundLimit,
            Consumer<OpenBatch> onEnded,
            EventPublisher events,
            WorkerMetrics metrics,
            Clock clock) {
        this.clients = clients;
        this.schedule = schedule;
        this.pacer = pacer;
        this.notFoundLimit = notFoundLimit;
        this.onEnded = onEnded;
        this.events = events;
        this.metrics = metrics;
        this.clock = clock;
        this.timer = Executors.newSingleThreadScheduledExecutor(named("bridge-worker-timer"));
        this.calls = Executors.newFixedThreadPool(maxConcurrentCalls, named("bridge-worker-call"));
    }

    /** Starts tracking; the first retrieve is due after the schedule's initial delay. Never blocks. */
    public void track(OpenBatch b) {
        open.put(b.batchId(), b);
        later(b, schedule.next(0, Optional.empty()));
    }

    /** Runs {@code task} after {@code delay} (a fan-out resuming from its checkpoint). */
    public void later(Duration delay, Runnable task) {
        try {
            timer.schedule(task, delay.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // shutting down: the next owner of the partition resumes from the checkpoint
        }
    }

    /** Stops tracking (fanned out or revoked). */
    public void forget(OpenBatch b) {
        open.remove(b.batchId(), b);
    }

    private void later(OpenBatch b, Duration delay) {
        later(delay, () -> {
            if (!b.revoked()) {
                try {
                    calls.execute(() -> poll(b));
                } catch (RejectedExecutionException e) {
                    // shutting down
                }
            }
        });
    }

    private void poll(OpenBatch b) {
        if (b.revoked() || !pacer.acquire()) {
            return;
        }
        BatchesClient client = clients.apply(b.account());
        try {
            MessageBatch mb = client.retrieve(b.batchId());
            MessageBatch before = b.batch();
            b.batch(mb);
            if (before == null || !Objects.equals(before.requestCounts(), mb.requestCounts())) {
                events.progress(b, mb);
            }
            if (mb.ended()) {
                metrics.poll("ended");
                ended(b, mb);
            } else {
                metrics.poll("in_progress");
                b.polled();
                later(b, schedule.next(b.polls(), Optional.empty()));
            }
        } catch (BatchesApiException e) {
            failed(b, client, e);
        } catch (RuntimeException e) {
            metrics.poll("error");
            log.warn("batch_id={} retrieve failed unexpectedly; will try again", b.batchId(), e);
            later(b, schedule.next(b.polls(), Optional.empty()));
        }
    }

    private void ended(OpenBatch b, MessageBatch mb) {
        b.endedSeenAt(clock.instant());
        if (mb.createdAt() != null && mb.endedAt() != null) {
            metrics.batchDuration(Duration.between(mb.createdAt(), mb.endedAt()));
        }
        events.ended(b, mb);
        if (mb.archivedAt() != null) {
            b.markResultsUnavailable();
        }
        log.info("batch_id={} ended: {}", b.batchId(), mb.requestCounts());
        onEnded.accept(b);
    }

    private void failed(OpenBatch b, BatchesClient client, BatchesApiException e) {
        if (e.status() == 404) {
            metrics.poll("not_found");
            int n = b.notFound();
            if (n >= notFoundLimit) {
                log.warn("batch_id={} not found {} times in a row; its results are unavailable", b.batchId(), n);
                b.endedSeenAt(clock.instant());
                b.markResultsUnavailable();
                onEnded.accept(b);
                return;
            }
        } else {
            metrics.poll("error");
            log.info("batch_id={} retrieve failed, state unknown, trying again later: {}", b.batchId(), e.getMessage());
        }
        Duration next = schedule.next(b.polls(), e.retryAfter());
        if (client.circuitOpen() && next.compareTo(schedule.max()) < 0) {
            next = schedule.max();
        }
        later(b, next);
    }

    public int openCount() {
        return open.size();
    }

    /** Age of the oldest tracked batch (since its ticket was created), or zero. */
    public Duration oldestAge() {
        Instant now = clock.instant();
        return open.values().stream()
                .map(b -> Duration.between(b.ticket().createdAt(), now))
                .max(Duration::compareTo)
                .orElse(Duration.ZERO);
    }

    /** Time since the oldest ended batch still waiting for (or in) fan-out was seen ended, or zero. */
    public Duration endedOldestAge() {
        Instant now = clock.instant();
        return open.values().stream()
                .map(OpenBatch::endedSeenAt)
                .filter(Objects::nonNull)
                .map(at -> Duration.between(at, now))
                .max(Duration::compareTo)
                .orElse(Duration.ZERO);
    }

    /** Open batches within {@code window} of their {@code expires_at} that have not ended. */
    public long nearExpiry(Duration window) {
        Instant limit = clock.instant().plus(window);
        return open.values().stream()
                .filter(b -> b.endedSeenAt() == null && b.expiresAt().isBefore(limit))
                .count();
    }

    @Override
    public void close() {
        timer.shutdownNow();
        calls.shutdownNow();
    }

    private static java.util.concurrent.ThreadFactory named(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
