package io.batchbridge.worker.internal;

/**
 * A fan-out transaction's {@code commitTransaction} timed out on every attempt: it may have committed or not.
 * The only safe continuation is to fence the producer ({@link FanoutProducer#renew}) and re-read the committed
 * checkpoint; resuming from the checkpoint held in memory could send committed records again.
 */
final class CommitOutcomeUnknown extends RuntimeException {
    CommitOutcomeUnknown(String what, RuntimeException cause) {
        super("the outcome of " + what + " is unknown after " + FanoutCommits.COMMIT_ATTEMPTS + " attempts", cause);
    }
}
