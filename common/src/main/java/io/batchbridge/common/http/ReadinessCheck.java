package io.batchbridge.common.http;

import java.util.Objects;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * One condition of {@code /health/ready}: empty when satisfied, else a short machine-readable reason such as
 * {@value #KAFKA_UNREACHABLE}. Checks run on the ops server's threads at every probe, so they must be cheap
 * and must not block: read state the role's loops already keep (last successful poll, assignment, breaker
 * state), never call Kafka or the API from here.
 */
@FunctionalInterface
public interface ReadinessCheck {
    /** The role cannot reach the Kafka cluster (e.g. no successful poll or metadata within the timeout). */
    String KAFKA_UNREACHABLE = "kafka_unreachable";
    /** The consumer expects partitions but holds none (rebalance in progress, or the group is stuck). */
    String PARTITIONS_NOT_ASSIGNED = "partitions_not_assigned";
    /** The Message Batches API circuit breaker is open. */
    String API_CIRCUIT_OPEN = "api_circuit_open";
    /** The submitter holds intake because the next batch would cross the daily spend limit. */
    String SPEND_GUARD_ENGAGED = "spend_guard_engaged";
    /** The submitter cannot read or write the shared spend ledger, so it creates nothing. */
    String SPEND_LEDGER_UNAVAILABLE = "spend_ledger_unavailable";
    /** A worker's fan-out thread died and its replacement has not started yet. */
    String FANOUT_THREADS_DOWN = "fanout_threads_down";

    Optional<String> check();

    /** A check that reports {@code reason} whenever {@code ok} is false. */
    static ReadinessCheck of(String reason, BooleanSupplier ok) {
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(ok, "ok");
        return () -> ok.getAsBoolean() ? Optional.empty() : Optional.of(reason);
    }
}
