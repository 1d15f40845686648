package io.batchbridge.chaos;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A realistic mix: several models; a few 300k-token outputs; transient errors and expirations that
 * succeed on retry; permanent errors; requests that fail three times (attempts exhausted); invalid
 * requests. Each is steered by an emulator directive.
 */
final class ChaosRequests {
    private static final String[] MODELS = {
        "claude-opus-4-6", "claude-sonnet-4-6", "claude-haiku-4-5", "claude-sonnet-5"
    };

    private ChaosRequests() {}

    static List<String> generate(int n, Random random) {
        List<String> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            String id = "chaos-" + i;
            String model = MODELS[random.nextInt(MODELS.length)];
            int roll = random.nextInt(100);
            String json;
            if (roll < 2) {
                json = request(id, "claude-opus-4-6", 300_000, "#emulate output_tokens=300000 stop_reason=max_tokens");
            } else if (roll < 10) {
                json = request(id, model, 1024, "#emulate outcome=errored:overloaded_error times=1 key=" + id);
            } else if (roll < 13) {
                json = request(id, model, 1024, "#emulate outcome=expired times=1 key=" + id);
            } else if (roll < 16) {
                json = request(id, model, 1024, "#emulate outcome=errored:invalid_request_error");
            } else if (roll < 18) {
                json = request(id, model, 1024, "#emulate outcome=errored:api_error times=9 key=" + id);
            } else if (roll < 21) {
                json = request(id, "claude-haiku-4-5", 200_000, "too long for haiku");
            } else if (roll < 22) {
                json = "{\"custom_id\":\"" + id + "\",\"params\":"; // truncated JSON
            } else {
                json = request(id, model, 2048, "#emulate output_tokens=" + (20 + random.nextInt(2000)));
            }
            out.add(json);
        }
        return out;
    }

    static String request(String id, String model, int maxTokens, String text) {
        return "{\"custom_id\":\"" + id + "\",\"params\":{\"model\":\"" + model + "\",\"max_tokens\":" + maxTokens
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"" + text + "\"}]}}";
    }
}
