package io.batchbridge.emulator.internal;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Writes a batch's results file as JSONL, one line at a time: small parts go through a reusable buffer, the
 * generated text is copied straight from the {@link TextPool}. Nothing of the file is held whole, so memory
 * stays constant however many gigabytes are served.
 */
public final class ResultWriter {
    private static final byte[] POOL = TextPool.bytes();
    private final OutputStream out;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream(1024);

    public ResultWriter(OutputStream out) {
        this.out = out;
    }

    /** Writes every request's line in file order. */
    public void writeAll(BatchRecord batch) throws IOException {
        for (PlannedRequest r : batch.requests()) {
            write(r, batch.finalOutcome(r));
        }
        out.flush();
    }

    void write(PlannedRequest r, Outcome outcome) throws IOException {
        line.reset();
        raw("{\"custom_id\":");
        string(r.customId());
        raw(",\"result\":{\"type\":\"" + outcome.wire() + "\"");
        switch (outcome) {
            case SUCCEEDED -> succeeded(r);
            case ERRORED -> errored(r);
            default -> raw("}}\n");
        }
        line.writeTo(out);
    }

    private void succeeded(PlannedRequest r) throws IOException {
        AskedContent asked = r.asked();
        long thinking = asked.thinks() ? thinkingTokens(r.outputTokens(), asked.thinkingBudget()) : 0;
        raw(",\"message\":{\"id\":\"" + Ids.derived("msg_", r.hash())
                + "\",\"type\":\"message\",\"role\":\"assistant\",\"model\":");
        string(r.model());
        raw(",\"content\":[");
        if (asked.thinks()) {
            raw("{\"type\":\"thinking\",\"thinking\":\"");
            text(~r.hash(), thinking * TextPool.CHARS_PER_TOKEN);
            raw("\",\"signature\":\"" + Ids.derived("sig_", r.hash()) + "\"},");
        }
        raw("{\"type\":\"text\",\"text\":\"");
        text(r.hash(), (r.outputTokens() - thinking) * TextPool.CHARS_PER_TOKEN);
        raw("\",\"citations\":null}");
        String tool = asked.mustCall() != null ? asked.mustCall() : asked.toolName();
        if ("tool_use".equals(r.stopReason()) && tool != null) {
            raw(",{\"type\":\"tool_use\",\"id\":\"" + Ids.derived("toolu_", r.hash()) + "\",\"name\":");
            string(tool);
            raw(",\"input\":{}}");
        }
        raw("],\"stop_reason\":");
        string(r.stopReason());
        raw(",\"stop_sequence\":");
        if ("stop_sequence".equals(r.stopReason()) && asked.stopSequence() != null) {
            string(asked.stopSequence());
        } else {
            raw("null");
        }
        raw(",\"usage\":{\"input_tokens\":" + r.inputTokens()
                + ",\"cache_creation_input_tokens\":" + r.cacheWriteTokens()
                + ",\"cache_read_input_tokens\":" + r.cacheReadTokens()
                + ",\"cache_creation\":{\"ephemeral_5m_input_tokens\":" + r.cacheWrite5mTokens()
                + ",\"ephemeral_1h_input_tokens\":" + r.cacheWrite1hTokens() + "},\"output_tokens\":"
                + r.outputTokens()
                + ",\"service_tier\":\"batch\",\"inference_geo\":\"not_available\"}}}}\n");
    }

    /** Half the output is thinking, within the budget of {@code enabled} thinking (-1: adaptive, no budget). */
    static long thinkingTokens(long outputTokens, long budget) {
        long half = outputTokens / 2;
        return budget > 0 ? Math.min(half, budget) : half;
    }

    private void errored(PlannedRequest r) throws IOException {
        raw(",\"error\":{\"type\":\"error\",\"error\":{\"type\":");
        string(r.errorType());
        raw(",\"message\":");
        string(r.errorMessage());
        raw(",\"details\":{\"error_visibility\":\"user_facing\"}},\"request_id\":");
        if (r.requestId() == null) {
            raw("null");
        } else {
            string(r.requestId());
        }
        raw("}}}\n");
    }

    /** Copies {@code chars} pool characters after what is buffered, straight to the output. */
    private void text(long hash, long chars) throws IOException {
        line.writeTo(out);
        line.reset();
        int off = TextPool.start(hash);
        long left = chars;
        while (left > 0) {
            int n = (int) Math.min(left, POOL.length - off);
            out.write(POOL, off, n);
            left -= n;
            off = 0;
        }
    }

    private void raw(String s) {
        line.writeBytes(s.getBytes(StandardCharsets.UTF_8));
    }

    private void string(String s) {
        line.write('"');
        line.writeBytes(JsonStringEncoder.getInstance().quoteAsUTF8(s));
        line.write('"');
    }
}
