package io.batchbridge.client;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Set;

/**
 * The body of {@code POST /v1/messages/count_tokens} for a batch request's {@code params}: the keys that endpoint
 * takes, each value copied as the raw bytes it has in the params (never re-serialised, so the prompt the API counts
 * is byte for byte the prompt a batch would send). {@code max_tokens}, sampling settings, {@code metadata},
 * {@code stop_sequences} and the like are left out: the endpoint refuses them ("Extra inputs are not permitted").
 */
public final class CountTokensBody {
    /** Top-level keys count_tokens takes (the SDK's {@code MessageCountTokensParams}, beta keys too). */
    public static final Set<String> KEYS = Set.of(
            "model",
            "messages",
            "system",
            "tools",
            "tool_choice",
            "thinking",
            "cache_control",
            "output_config",
            "context_management",
            "mcp_servers",
            "output_format");

    private static final JsonFactory JSON = new JsonFactory();

    private CountTokensBody() {}

    /**
     * The count_tokens body of these params (a JSON object as bytes).
     *
     * @throws IllegalArgumentException when the params are not a JSON object
     */
    public static byte[] fromParams(byte[] params) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(params.length);
        out.write('{');
        boolean first = true;
        try (JsonParser p = JSON.createParser(params)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new IllegalArgumentException("params must be a JSON object");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                p.nextToken();
                int start = (int) p.currentTokenLocation().getByteOffset();
                p.skipChildren();
                p.finishToken(); // a string value is read lazily: its end is known once it is finished
                int end = (int) p.currentLocation().getByteOffset();
                if (!KEYS.contains(name)) {
                    continue;
                }
                if (!first) {
                    out.write(',');
                }
                first = false;
                out.writeBytes(('"' + name + "\":").getBytes(StandardCharsets.US_ASCII));
                out.write(params, start, end - start);
            }
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("params are not valid JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        out.write('}');
        return out.toByteArray();
    }
}
