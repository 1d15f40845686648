package io.batchbridge.cli.demo;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The demo's request set: what the product is for in a few hundred records. Several models; a few
 * 300k-token outputs (the extended-output beta is added by the submitter); some invalid requests
 * (dead-lettered with reasons); some transient failures and expirations that fail once and are then
 * delivered by a retry; one request the API refuses for good. Emulator directives steer each request.
 */
final class DemoRequests {
    /** What a demo request is meant to show. */
    enum Kind {
        NORMAL,
        EXTENDED_OUTPUT,
        INVALID,
        TRANSIENT_ONCE,
        EXPIRED_ONCE,
        PERMANENT_ERROR
    }

    record DemoRequest(String customId, Kind kind, String json) {}

    private static final String[] MODELS = {
        "claude-opus-4-6", "claude-sonnet-4-6", "claude-haiku-4-5", "claude-sonnet-5", "claude-opus-5"
    };

    private DemoRequests() {}

    static List<DemoRequest> generate(int n, long seed) {
        Random random = new Random(seed);
        List<DemoRequest> out = new ArrayList<>(n);
        int extended = Math.max(1, n / 60);
        int invalid = Math.max(1, n / 40);
        int transientOnce = Math.max(1, n / 40);
        int expiredOnce = Math.max(1, n / 100);
        int permanent = Math.max(1, n / 100);
        for (int i = 0; i < n; i++) {
            String id = "demo-" + i;
            Kind kind;
            if (i < extended) {
                kind = Kind.EXTENDED_OUTPUT;
            } else if (i < extended + invalid) {
                kind = Kind.INVALID;
            } else if (i < extended + invalid + transientOnce) {
                kind = Kind.TRANSIENT_ONCE;
            } else if (i < extended + invalid + transientOnce + expiredOnce) {
                kind = Kind.EXPIRED_ONCE;
            } else if (i < extended + invalid + transientOnce + expiredOnce + permanent) {
                kind = Kind.PERMANENT_ERROR;
            } else {
                kind = Kind.NORMAL;
            }
            out.add(new DemoRequest(id, kind, json(id, kind, i, random)));
        }
        java.util.Collections.shuffle(out, random);
        return out;
    }

    private static String json(String id, Kind kind, int i, Random random) {
        String model = MODELS[i % MODELS.length];
        return switch (kind) {
            case EXTENDED_OUTPUT ->
                request(
                        id,
                        "claude-opus-4-6",
                        300_000,
                        "Write the whole saga. #emulate output_tokens=300000 stop_reason=max_tokens",
                        "");
            case INVALID -> invalid(id, i);
            case TRANSIENT_ONCE ->
                request(id, model, 1024, "Summarise. #emulate outcome=errored:overloaded_error times=1 key=" + id, "");
            case EXPIRED_ONCE -> request(id, model, 1024, "Classify. #emulate outcome=expired times=1 key=" + id, "");
            case PERMANENT_ERROR ->
                request(id, model, 1024, "Bad tool. #emulate outcome=errored:invalid_request_error", "");
            case NORMAL ->
                request(
                        id,
                        model,
                        4096,
                        "Question " + i + ". #emulate output_tokens=" + (40 + random.nextInt(800)),
                        i % 7 == 0 ? ",\"metadata\":{\"tenant\":\"t" + (i % 3) + "\"}" : "");
        };
    }

    private static String invalid(String id, int i) {
        return switch (i % 4) {
            case 0 -> request(id + " has spaces", "claude-opus-4-6", 100, "bad id", "");
            case 1 -> request(id, "claude-haiku-4-5", 200_000, "too long for haiku", "");
            case 2 ->
                request(id, "claude-sonnet-4-6", 100, "stream", "")
                        .replace("\"max_tokens\"", "\"stream\":true,\"max_tokens\"");
            default -> request(id, "claude-unknown-7", 100, "which model?", "");
        };
    }

    static String request(String id, String model, int maxTokens, String text, String extra) {
        return "{\"custom_id\":\"" + id + "\",\"params\":{\"model\":\"" + model + "\",\"max_tokens\":" + maxTokens
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"" + text + "\"}]}" + extra + "}";
    }
}
