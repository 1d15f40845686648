package io.batchbridge.client;

/** A batch's {@code request_counts}; at {@code ended}, {@code processing} is zero. */
public record RequestCounts(long processing, long succeeded, long errored, long canceled, long expired) {
    public static final RequestCounts ZERO = new RequestCounts(0, 0, 0, 0, 0);

    /** The number of requests in the batch (the counters always sum to it). */
    public long total() {
        return processing + succeeded + errored + canceled + expired;
    }
}
