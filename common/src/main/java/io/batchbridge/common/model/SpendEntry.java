package io.batchbridge.common.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.batchbridge.common.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.Objects;

/**
 * One value of the shared spend ledger (the compacted {@code spend} topic). Two kinds, by key:
 *
 * <ul>
 *   <li>{@code reservation:<instance>:<uuid>} — a submitter's reservation of a batch's worst-case cost, written
 *       (acks=all) before the create call: {@link State#RESERVED}; rewritten {@link State#CREATED} with the batch
 *       id once the API accepted the batch, or {@link State#RELEASED} when the create did not happen.
 *   <li>{@code batch:<batch id>} — the worker's {@link State#ACTUAL} cost of a batch, written in the batch's last
 *       fan-out transaction: the exact sum of its results' batch-price costs.
 * </ul>
 *
 * A reservation counts for its {@link #day} (UTC) and {@link #tenant}: its actual cost once a {@code batch:} entry
 * names its batch, zero when released, its reserved worst case otherwise (safe side: a worker that never reports
 * leaves the worst case counted).
 *
 * @param micros reserved micro-dollars (reservation) or actual micro-dollars (actual)
 * @param batchId the API batch id (created reservation, actual), else null
 */
public record SpendEntry(State state, LocalDate day, String tenant, String account, long micros, String batchId) {
    public static final String RESERVATION_PREFIX = "reservation:";
    public static final String BATCH_PREFIX = "batch:";

    public enum State {
        RESERVED,
        CREATED,
        RELEASED,
        ACTUAL
    }

    public SpendEntry {
        Objects.requireNonNull(state, "state");
        if (micros < 0) {
            throw new IllegalArgumentException("micros must be >= 0 but was " + micros);
        }
        if (state != State.ACTUAL) {
            Objects.requireNonNull(day, "day");
            Objects.requireNonNull(tenant, "tenant");
        }
        if ((state == State.CREATED || state == State.ACTUAL) && batchId == null) {
            throw new IllegalArgumentException(state + " needs a batch id");
        }
    }

    public static SpendEntry reserved(LocalDate day, String tenant, String account, long micros) {
        return new SpendEntry(State.RESERVED, day, tenant, account, micros, null);
    }

    /** The worker's actual cost of a batch (key {@link #batchKey}). */
    public static SpendEntry actual(String batchId, long micros) {
        return new SpendEntry(State.ACTUAL, null, null, null, micros, batchId);
    }

    public SpendEntry created(String id) {
        return new SpendEntry(State.CREATED, day, tenant, account, micros, id);
    }

    public SpendEntry released() {
        return new SpendEntry(State.RELEASED, day, tenant, account, micros, null);
    }

    public static String batchKey(String batchId) {
        return BATCH_PREFIX + batchId;
    }

    public byte[] toJson() {
        ObjectNode n = Json.MAPPER.createObjectNode();
        n.put("v", 1);
        n.put("state", state.name().toLowerCase(java.util.Locale.ROOT));
        if (day != null) {
            n.put("day", day.toString());
        }
        if (tenant != null) {
            n.put("tenant", tenant);
        }
        if (account != null) {
            n.put("account", account);
        }
        n.put("micros", micros);
        if (batchId != null) {
            n.put("batch_id", batchId);
        }
        try {
            return Json.MAPPER.writeValueAsBytes(n);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Parses a ledger value; throws {@link IllegalArgumentException} when it is not one. */
    public static SpendEntry fromJson(byte[] value) {
        try {
            JsonNode n = Json.MAPPER.readTree(value);
            if (n == null || !n.hasNonNull("state") || !n.hasNonNull("micros")) {
                throw new IllegalArgumentException("not a spend entry: state or micros missing");
            }
            State state = State.valueOf(n.path("state").asText().toUpperCase(java.util.Locale.ROOT));
            LocalDate day = n.hasNonNull("day") ? LocalDate.parse(n.path("day").asText()) : null;
            return new SpendEntry(
                    state,
                    day,
                    text(n, "tenant"),
                    text(n, "account"),
                    n.path("micros").asLong(),
                    text(n, "batch_id"));
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException(
                    "not a spend entry (" + e.getMessage() + "): "
                            + new String(value, 0, Math.min(value.length, 200), StandardCharsets.UTF_8),
                    e);
        }
    }

    private static String text(JsonNode n, String field) {
        return n.hasNonNull(field) ? n.path(field).asText() : null;
    }
}
