package io.batchbridge.worker.internal;

import io.batchbridge.client.BatchesApiException;
import io.batchbridge.client.BatchesClient;
import io.batchbridge.client.MessageBatch;
import io.batchbridge.common.lifecycle.Threads;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tracks open batches: each has its own poll schedule ({@link PollSchedule}) on the lifecycle's timer; due retrieves
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
    private final BatchLifecycle lifecycle;
    private final EventPublisher events;
    private final WorkerMetrics metrics;
    private final Clock clock;
    private final ExecutorService calls;

    public BatchTracker(
            Function<String, BatchesClient> clients,
            PollSchedule schedule,
            CallPacer pacer,
            int maxConcurrentCalls,
            int notFoundLimit,
            BatchLifecycle lifecycle,
            EventPublisher events,
            WorkerMetrics metrics,
            Clock clock) {
        this.clients = clients;
        this.schedule = schedule;
        this.pacer = pacer;
        this.notFoundLimit = notFoundLimit;
        this.lifecycle = lifecycle;
        this.events = events;
        this.metrics = metrics;
        this.clock = clock;
        this.calls = Executors.newFixedThreadPool(maxConcurrentCalls, Threads.numbered("worker-call"));
    }

    /** Starts tracking; the first retrieve is due after the schedule's initial delay. Never blocks. */
    public void track(OpenBatch b) {
        later(b, schedule.next(0, Optional.empty()));
    }

    private void later(OpenBatch b, Duration delay) {
        lifecycle.later(delay, () -> {
            if (b.stage() == BatchStage.TRACKING) {
                try {
                    calls.execute(() -> poll(b));
                } catch (RejectedExecutionException e) {
                    // shutting down
                }
            }
        });
    }

    private void poll(OpenBatch b) {
        if (b.stage() != BatchStage.TRACKING || !pacer.acquire()) {
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
        lifecycle.ended(b);
    }

    private void failed(OpenBatch b, BatchesClient client, BatchesApiException e) {
        if (e.status() == 404) {
            metrics.poll("not_found");
            int n = b.notFound();
            if (n >= notFoundLimit) {
                log.warn("batch_id={} not found {} times in a row; its results are unavailable", b.batchId(), n);
                b.endedSeenAt(clock.instant());
                b.markResultsUnavailable();
                lifecycle.ended(b);
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

    /** Age of the oldest tracked batch (since its ticket was created), or zero. */
    public Duration oldestAge() {
        Instant now = clock.instant();
        return lifecycle
                .open()
                .map(b -> Duration.between(b.createdAt(), now))
                .max(Duration::compareTo)
                .orElse(Duration.ZERO);
    }

    /** Time since the oldest ended batch still waiting for (or in) fan-out was seen ended, or zero. */
    public Duration endedOldestAge() {
        Instant now = clock.instant();
        return lifecycle
                .open()
                .map(OpenBatch::endedSeenAt)
                .filter(Objects::nonNull)
                .map(at -> Duration.between(at, now))
                .max(Duration::compareTo)
                .orElse(Duration.ZERO);
    }

    /** Open batches within {@code window} of their {@code expires_at} that have not ended. */
    public long nearExpiry(Duration window) {
        Instant limit = clock.instant().plus(window);
        return lifecycle
                .open()
                .filter(b -> b.endedSeenAt() == null && b.expiresAt().isBefore(limit))
                .count();
    }

    @Override
    public void close() {
        calls.shutdownNow();
    }
}
