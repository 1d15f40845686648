package io.batchbridge.worker.internal;

import java.time.Duration;

/**
 * Fan-out limits.
 *
 * @param txnMaxLines result lines per transaction
 * @param txnMaxBytes record bytes per transaction (uncompressed)
 * @param maxResultBytes a larger result record is dead-lettered as result_too_large
 * @param retryDelay wait before resuming a fan-out that failed transiently
 * @param deleteAfter delete the batch from the API after its fan-out
 */
public record FanoutSettings(
        int txnMaxLines, long txnMaxBytes, int maxResultBytes, Duration retryDelay, boolean deleteAfter) {}
