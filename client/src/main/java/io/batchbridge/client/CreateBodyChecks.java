package io.batchbridge.client;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.UncheckedIOException;

/** What one request must be to enter a {@link CreateBody}: the checks of {@link CreateBody.Builder}'s adds. */
final class CreateBodyChecks {
    private static final JsonFactory JSON = new JsonFactory();

    private CreateBodyChecks() {}

    static boolean validCustomId(String id) {
        int n = id.length();
        if (n < 1 || n > 64) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            char c = id.charAt(i);
            boolean ok =
                    (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    static boolean framedAsObject(byte[] raw) {
        int first = 0;
        while (first < raw.length && blank(raw[first])) {
            first++;
        }
        int last = raw.length - 1;
        while (last > first && blank(raw[last])) {
            last--;
        }
        return last > first && raw[first] == '{' && raw[last] == '}';
    }

    private static boolean blank(byte b) {
        return b == ' ' || b == '\n' || b == '\r' || b == '\t';
    }

    static void requireJsonObject(String customId, byte[] raw) {
        try (JsonParser p = JSON.createParser(raw)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new IllegalArgumentException("params of " + customId + " must be a JSON object");
            }
            p.skipChildren();
            if (p.nextToken() != null) {
                throw new IllegalArgumentException("params of " + customId + " must hold exactly one JSON object");
            }
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException(
                    "params of " + customId + " are not valid JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
