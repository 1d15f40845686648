package io.batchbridge.worker.internal;

import java.time.Duration;

/**
 * Fan-out limits.
 *
 * @param txnMaxLines result lines per transaction
 * @param txnMaxBytes record bytes per transaction (uncompressed)
 * @param txnMaxAge how long a transaction stays open at most (checked at every line)
 * @param maxResultBytes a larger result record is dead-lettered as result_too_large
 * @param retryDelay wait before resuming a fan-out that failed transiently
 * @param deleteAfter delete the batch from the API after its fan-out
 * @param prefetchBytes results bytes read ahead of the fan-out on a reader thread (a ring of this size); 0 reads inline
 */
public record FanoutSettings(
        int txnMaxLines,
        long txnMaxBytes,
        Duration txnMaxAge,
        int maxResultBytes,
        Duration retryDelay,
        boolean deleteAfter,
        int prefetchBytes) {}
