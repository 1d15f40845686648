package io.batchbridge.worker.internal;

import io.batchbridge.client.BatchesApiException;
import io.batchbridge.client.BatchesClient;
import io.batchbridge.client.ResultLine;
import io.batchbridge.client.ResultStream;
import io.batchbridge.common.model.Cost;
import io.batchbridge.common.records.BridgeHeaders;
import io.batchbridge.common.records.Coordinates;
import io.batchbridge.common.records.DeadLetterReason;
import io.batchbridge.common.records.InvalidRecordException;
import io.batchbridge.common.records.Problem;
import io.batchbridge.common.records.Ticket;
import io.batchbridge.common.records.TicketCodec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Streams one ended batch's results into Kafka, exactly once. Lines are routed ({@link ResultRouter}) into
 * results, retry records and dead letters, produced in transactions of bounded size; each transaction also
 * writes the batch's checkpoint (the set of delivered items) and, through {@code sendOffsetsToTransaction},
 * the partition's committable ticket offset with the consumer's group metadata, so a worker that lost the
 * partition in a rebalance cannot commit anything more for it. The batch's last transaction completes its
 * ticket offsets. Owned by one fan-out thread; it owns its transactional producer and source reader.
 */
public final class ResultFanout {
    private static final Logger log = LoggerFactory.getLogger(ResultFanout.class);
    /** How soon a fan-out resumes after a rebalance failed its transaction (the poll thread has new metadata). */
    private static final Duration REBALANCE_RETRY = Duration.ofSeconds(1);

    private final FanoutProducer producers;
    private final BatchLifecycle lifecycle;
    private final CommitBook book;
    private final CheckpointStore checkpoints;
    private final SourceReader sources;
    private final Function<String, BatchesClient> clients;
    private final CallPacer pacer;
    private final OutcomeRecords records;
    private final ResultRouter router;
    private final FanoutSettings settings;
    private final FanoutHooks hooks;
    private final WorkerMetrics metrics;
    private final Clock clock;
    private final FanoutCommits commits;
    private final DeliveryGuard guard;
    private final Destinations destinations;

    /** Thrown when the batch's partition was revoked mid-fan-out. */
    static final class RevokedException extends RuntimeException {
        RevokedException(String batchId) {
            super("batch " + batchId + " was revoked", null, false, false);
        }
    }

    /**
     * @param producers builds this thread's transactional producer (and initialises it, fencing a predecessor with
     *     the same transactional id); called again to renew it when a commit's outcome stays unknown
     * @param checkpoints re-read after a commit of unknown outcome
     */
    public ResultFanout(
            Supplier<Producer<byte[], byte[]>> producers,
            BatchLifecycle lifecycle,
            CheckpointStore checkpoints,
            SourceReader sources,
            Function<String, BatchesClient> clients,
            CallPacer pacer,
            CommitBook book,
            OutcomeRecords records,
            ResultRouter router,
            EventPublisher events,
            FanoutSettings settings,
            Destinations destinations,
            FanoutHooks hooks,
            WorkerMetrics metrics,
            Clock clock) {
        this.producers = new FanoutProducer(producers);
        this.lifecycle = lifecycle;
        this.book = book;
        this.checkpoints = checkpoints;
        this.sources = sources;
        this.clients = clients;
        this.pacer = pacer;
        this.records = records;
        this.router = router;
        this.settings = settings;
        this.hooks = hooks;
        this.metrics = metrics;
        this.clock = clock;
        this.commits = new FanoutCommits(this.producers, book, records, events, hooks, metrics);
        this.guard = new DeliveryGuard(destinations, settings.maxResultBytes());
        this.destinations = destinations;
    }

    /** Fans out one batch; failures end in a retry later, a revoke, or a fatal fence, never in a lost line. */
    public void run(OpenBatch b) {
        try (MDC.MDCCloseable ignored = MDC.putCloseable("batch_id", b.batchId())) {
            fanOut(b);
        } finally {
            b.unload(); // the routing facts are read back from the tickets when the batch is fanned out again
        }
    }

    private void fanOut(OpenBatch b) {
        FanoutTxn txn = null;
        try {
            if (b.checkpointUnknown() && !reloadCheckpoint(b)) {
                return;
            }
            if (b.checkpoint().done()) { // its last transaction committed; what failed after it was bookkeeping
                lifecycle.committed(b);
                return;
            }
            if (!b.loaded() && !loadTickets(b)) {
                return;
            }
            txn = new FanoutTxn(producers.get(), b.checkpoint());
            if (!b.resultsUnavailable()) {
                stream(b, txn);
            }
            if (b.resultsUnavailable() || txn.deliveredCount() < b.itemCount()) {
                deadLetterRest(b, txn);
            }
            reportSpend(b, txn);
            commit(b, txn, true);
            finish(b, txn);
        } catch (RevokedException e) {
            abortQuietly(txn);
            log.info("batch_id={} fan-out stopped: partition {} was revoked", b.batchId(), b.partition());
        } catch (ProducerFencedException e) {
            hooks.fatal(e);
        } catch (CommitOutcomeUnknown e) {
            resumeAfterUnknownCommit(b, e);
        } catch (BatchesApiException | KafkaException e) {
            abortQuietly(txn); // the abort completes every send: the failed ones are known from here
            metrics.transaction("aborted");
            if (txn != null && guard.attribute(b, txn)) {
                log.warn(
                        "batch_id={} transaction aborted over a refused result; redoing it without: {}",
                        b.batchId(),
                        e.toString());
                lifecycle.retryLater(b, Duration.ZERO);
                return;
            }
            Duration delay = rebalanced(e)
                    ? REBALANCE_RETRY.compareTo(settings.retryDelay()) < 0 ? REBALANCE_RETRY : settings.retryDelay()
                    : settings.retryDelay();
            if (e instanceof BatchesApiException api && api.retryAfter().isPresent()) {
                delay = api.retryAfter().get().compareTo(delay) > 0
                        ? api.retryAfter().get()
                        : delay;
            }
            log.warn(
                    "batch_id={} fan-out failed after {} of {} items, resuming from checkpoint in {}: {}",
                    b.batchId(),
                    b.checkpoint().deliveredCount(),
                    b.itemCount(),
                    delay,
                    e.toString());
            lifecycle.retryLater(b, delay);
        } catch (RuntimeException e) { // a bug or an input nobody foresaw: never lose the thread or the batch
            abortQuietly(txn);
            metrics.transaction("aborted");
            log.error(
                    "batch_id={} fan-out failed unexpectedly; resuming from checkpoint in {}",
                    b.batchId(),
                    settings.retryDelay(),
                    e);
            lifecycle.retryLater(b, settings.retryDelay());
        }
    }

    /**
     * A commit whose outcome stayed unknown: the checkpoint in memory may be behind what Kafka holds, so resuming
     * from it could send committed records again. Fence first (a new producer with the same transactional id
     * settles the old transaction); the resumed fan-out re-reads the committed checkpoint before anything else.
     */
    private void resumeAfterUnknownCommit(OpenBatch b, CommitOutcomeUnknown e) {
        metrics.transaction("outcome_unknown");
        log.warn("batch_id={} {}; fencing the producer and re-reading the checkpoint", b.batchId(), e.getMessage());
        b.checkpointUnknown(true);
        producers.renew();
        lifecycle.retryLater(b, Duration.ZERO);
    }

    /**
     * Reads the batch's ticket parts back from the batches topic (the worker does not hold its requests' routing
     * facts while it is open); false when they can no longer be read as this batch's parts (deleted by retention,
     * or rewritten): the batch cannot be fanned out, its tickets are skipped like any unusable ticket, and its
     * results stay downloadable from the API.
     *
     * @throws KafkaException when the topic did not answer in time (transient: the fan-out is tried again)
     */
    private boolean loadTickets(OpenBatch b) {
        List<Ticket> parts = new ArrayList<>();
        String unusable = null;
        for (long offset : b.partOffsets()) {
            byte[] value = sources.read(
                    new Coordinates(b.partition().topic(), b.partition().partition(), offset));
            if (value == null) {
                unusable = "its ticket at " + b.partition() + "@" + offset + " can no longer be read";
                break;
            }
            try {
                parts.add(TicketCodec.read(value));
            } catch (IllegalArgumentException e) {
                unusable = "its ticket at " + b.partition() + "@" + offset + " is no longer valid: " + e.getMessage();
                break;
            }
        }
        if (unusable == null) {
            try {
                b.load(parts);
                return true;
            } catch (IllegalStateException e) {
                unusable = e.getMessage();
            }
        }
        log.error(
                "batch_id={} cannot be fanned out: {}; its tickets are skipped, its results stay downloadable from the"
                        + " API for 29 days after its creation",
                b.batchId(),
                unusable);
        metrics.ticketSkipped("unreadable");
        book.completeTickets(b, false);
        lifecycle.committed(b);
        lifecycle.commitOffsets(b.partition());
        return false;
    }

    /**
     * Re-reads the batch's committed checkpoint after a commit of unknown outcome; false when it shows the last
     * transaction did commit (the batch is fanned out, and is finished here).
     */
    private boolean reloadCheckpoint(OpenBatch b) {
        Checkpoint committed = checkpoints.fetch(b.batchId());
        b.checkpointUnknown(false);
        if (committed != null && committed.done()) {
            log.info("batch_id={} its last transaction did commit: it is fanned out", b.batchId());
            book.completeTickets(b, true);
            lifecycle.committed(b);
            lifecycle.commitOffsets(b.partition());
            return false;
        }
        b.checkpoint(committed == null ? Checkpoint.empty() : committed);
        log.info("batch_id={} resumes from its committed checkpoint: {}", b.batchId(), b.checkpoint());
        return true;
    }

    private void stream(OpenBatch b, FanoutTxn txn) {
        BatchesClient client = clients.apply(b.account());
        if (!pacer.acquire()) {
            throw new KafkaException("interrupted while waiting for an API call slot");
        }
        try (ResultStream stream = client.results(b.batch(), settings.prefetchBytes())) {
            drain(b, stream, txn);
        } catch (BatchesApiException e) {
            if (e.status() != 404) {
                throw e;
            }
            log.warn("batch_id={} results are no longer available: {}", b.batchId(), e.getMessage());
            b.markResultsUnavailable();
        }
    }

    private void drain(OpenBatch b, Iterator<ResultLine> lines, FanoutTxn txn) {
        while (lines.hasNext()) {
            checkRevoked(b);
            handle(b, lines.next(), txn);
            if (txn.full(settings)) {
                commit(b, txn, false);
            }
        }
    }

    private void handle(OpenBatch b, ResultLine line, FanoutTxn txn) {
        txn.lineRead();
        int i = b.indexOf(line.customId());
        if (i < 0) {
            log.warn(
                    "batch_id={} result for custom_id={} matches no ticket item; skipped",
                    b.batchId(),
                    line.customId());
            return;
        }
        if (!txn.isDelivered(i)) {
            if (line.type() == io.batchbridge.client.ResultType.SUCCEEDED) {
                Cost cost = records.cost(line); // billed whatever becomes of it (delivered, refused, retried)
                if (cost != null) {
                    txn.priced(cost.totalMicros());
                }
            }
            metrics.result(ResultRouter.tag(line.type()));
            route(b, i, line, -1, txn);
        }
        // de-duplicated requests: the same answer, each routed as its own; a large group spans transactions like
        // any run of lines (the checkpoint says which of them are done, so a resumed fan-out finishes the group)
        for (int shared : b.sharing(i)) {
            if (txn.isDelivered(shared)) {
                continue;
            }
            if (txn.full(settings)) {
                commit(b, txn, false);
            }
            route(b, shared, line, i, txn);
        }
    }

    /** Routes item {@code i}'s line; {@code answered} is the item the API answered when {@code i} shares it, else -1. */
    private void route(OpenBatch b, int i, ResultLine line, int answered, FanoutTxn txn) {
        ResultRouter.Decision d = router.route(line, b.item(i));
        switch (d.action()) {
            case DELIVER -> deliver(b, i, line, answered, txn);
            case RETRY -> retry(b, i, d.problem(), retryReason(line), txn);
            case DEAD_LETTER -> deadLetter(b, i, d.problem(), ResultRouter.tag(line.type()), txn);
        }
    }

    /**
     * Delivers a succeeded line to item {@code i}. The API billed it once: the answered item's result carries the
     * cost and counts in the cost metrics; an item sharing it ({@code answered} ≥ 0) carries a zero cost and the
     * {@value BridgeHeaders#SHARED_WITH} header naming the request whose cost it shares.
     */
    private void deliver(OpenBatch b, int i, ResultLine line, int answered, FanoutTxn txn) {
        Cost cost = records.cost(line);
        boolean shared = answered >= 0;
        ProducerRecord<byte[], byte[]> r = records.result(b, i, line, shared && cost != null ? Cost.ZERO : cost);
        if (shared) {
            BridgeHeaders.put(
                    r.headers(), BridgeHeaders.SHARED_WITH, b.item(answered).customId());
        }
        Problem refused = guard.refusal(b, i, r);
        if (refused != null) {
            deadLetter(b, i, refused, "succeeded", txn);
            return;
        }
        txn.sendResult(r, i);
        txn.delivered(i, "succeeded");
        if (!shared) {
            metrics.usage(
                    line.model(),
                    b.account(),
                    records.tenant(b, i),
                    line.usage().toTokenUsage(),
                    cost);
        } else {
            metrics.sharedDelivery();
        }
        if (line.truncated()) {
            metrics.truncated();
        }
    }

    /** The retries metric's reason: {@code expired}, {@code canceled} or the errored type. */
    private static String retryReason(ResultLine line) {
        return line.type() == io.batchbridge.client.ResultType.ERRORED && line.errorType() != null
                ? line.errorType()
                : ResultRouter.tag(line.type());
    }

    private void retry(OpenBatch b, int i, Problem why, String reason, FanoutTxn txn) {
        byte[] original = sources.read(b.source(i));
        if (original == null) {
            deadLetter(
                    b,
                    i,
                    null,
                    new Problem(
                            why.reason(),
                            why.message() + "; the request at " + b.source(i)
                                    + " is no longer readable, so it cannot be retried"),
                    null,
                    txn);
            return;
        }
        try {
            txn.send(records.retry(b, i, original, why, router.backoff(b.item(i).attempt())));
            txn.delivered(i, "retried");
            metrics.retry(reason);
        } catch (InvalidRecordException e) {
            deadLetter(b, i, original, e.problem(), null, txn);
        }
    }

    private void deadLetter(OpenBatch b, int i, Problem p, String resultType, FanoutTxn txn) {
        deadLetter(b, i, sources.read(b.source(i)), p, resultType, txn);
    }

    private void deadLetter(OpenBatch b, int i, byte[] original, Problem p, String resultType, FanoutTxn txn) {
        txn.send(records.deadLetter(b, i, original, p, resultType));
        txn.delivered(i, "dead_lettered");
        metrics.deadLetter(p.reason().code());
    }

    /** Items the file did not deliver (results gone, or missing lines): each gets a dead letter. */
    private void deadLetterRest(OpenBatch b, FanoutTxn txn) {
        Problem p = b.resultsUnavailable()
                ? new Problem(
                        DeadLetterReason.RESULTS_UNAVAILABLE,
                        "the results of batch " + b.batchId()
                                + " can no longer be downloaded (deleted, archived or not found)")
                : new Problem(
                        DeadLetterReason.RESULTS_UNAVAILABLE,
                        "the results file of batch " + b.batchId() + " has no line for this request");
        for (int i = 0; i < b.itemCount(); i++) {
            checkRevoked(b);
            if (!txn.isDelivered(i)) {
                deadLetter(b, i, p, null, txn);
                if (txn.full(settings)) {
                    commit(b, txn, false);
                }
            }
        }
    }

    /**
     * With the batch's last transaction, its actual cost goes to the spend ledger, where the submitters' guard counts
     * it instead of the batch's worst case. Not when its results could not be read (what it cost is unknown: the
     * worst case keeps counting), nor when the spend topic does not exist (a deployment that did not provision it).
     */
    private void reportSpend(OpenBatch b, FanoutTxn txn) {
        if (b.resultsUnavailable()) {
            return;
        }
        java.util.Optional<String> unusable = destinations.unusable(records.spendTopic());
        if (unusable.isPresent()) {
            log.debug("batch_id={} actual cost not reported: {}", b.batchId(), unusable.get());
            return;
        }
        txn.send(records.spendActual(b.batchId(), txn.costMicros()));
    }

    private void commit(OpenBatch b, FanoutTxn txn, boolean last) {
        commits.commit(b, txn, last, last ? latency(b) : null);
    }

    /** Closes this thread's producer (a crash-simulating halt leaves it as it is instead). */
    public void closeProducer(Duration timeout) {
        producers.close(timeout);
    }

    /** An offsets-only transaction: commits the partition's committable offset and due tombstones. */
    public void commitOffsets(TopicPartition tp) {
        commits.commitOffsets(tp);
    }

    private void finish(OpenBatch b, FanoutTxn txn) {
        metrics.fanoutLatency(latency(b));
        metrics.bytesOut(txn.totalBytes());
        log.info("batch_id={} fanned out: {} (tickets {}@{})", b.batchId(), txn.counts(), b.partition(), b.offsets());
        if (settings.deleteAfter() && !b.resultsUnavailable() && pacer.acquire()) {
            try {
                clients.apply(b.account()).delete(b.batchId());
            } catch (BatchesApiException e) {
                log.warn("batch_id={} not deleted after fan-out: {}", b.batchId(), e.getMessage());
            }
        }
        lifecycle.committed(b);
    }

    private Duration latency(OpenBatch b) {
        Instant seen = b.endedSeenAt();
        return seen == null ? Duration.ZERO : Duration.between(seen, clock.instant());
    }

    /**
     * True when the transaction failed because the group's generation moved on (a rebalance while it was open):
     * the partition may still be this worker's, and the next transaction carries the new group metadata.
     */
    private static boolean rebalanced(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof CommitFailedException) {
                return true;
            }
        }
        return false;
    }

    private static void abortQuietly(FanoutTxn txn) {
        if (txn != null) {
            txn.abortQuietly();
        }
    }

    static void checkRevoked(OpenBatch b) {
        if (b.revoked()) {
            throw new RevokedException(b.batchId());
        }
    }
}
