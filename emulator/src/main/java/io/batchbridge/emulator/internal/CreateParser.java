package io.batchbridge.emulator.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Streams a create body once, validating the envelope with the API's messages and keeping only the small
 * {@link RequestFacts} of each request, so a 256 MB body never sits in memory.
 */
public final class CreateParser {
    /** Most requests one batch may hold. */
    public static final int MAX_REQUESTS = 100_000;
    /** Longest user-message text decoded while looking for a directive. */
    static final int MAX_STRING_CHARS = 40_000_000;

    private static final Pattern CUSTOM_ID = Pattern.compile("^[a-zA-Z0-9_-]{1,64}$");
    private static final JsonFactory FACTORY = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                    // Only user-message texts are ever decoded (to find directives); one request may be at
                    // most 32 MB on the real API, so longer strings cannot be valid and are not buffered.
                    .maxStringLength(MAX_STRING_CHARS)
                    .maxNestingDepth(10_000)
                    .build())
            // The caller drains the body after a rejection: the parser must not close it.
            .disable(com.fasterxml.jackson.core.StreamReadFeature.AUTO_CLOSE_SOURCE)
            .build();

    private CreateParser() {}

    /** Parses a create body: the facts of every request, or an {@link ApiError} with the API's message. */
    public static List<RequestFacts> parse(InputStream body) throws IOException {
        try (JsonParser p = FACTORY.createParser(body)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                if (p.currentToken() == null) {
                    throw ApiError.invalid("The request body is not valid JSON: Expecting value: line 1 column 1");
                }
                p.skipChildren();
                throw ApiError.invalid("Input should be a valid dictionary or object to extract fields from");
            }
            List<RequestFacts> requests = null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                p.nextToken();
                switch (name) {
                    case "requests" -> requests = requests(p);
                    case "user_profile_id", "workspace_id" -> p.skipChildren();
                    default -> throw ApiError.invalid(name + ": Extra inputs are not permitted");
                }
            }
            if (p.nextToken() != null) {
                throw ApiError.invalid("The request body is not valid JSON: Extra data after the JSON object");
            }
            if (requests == null) {
                throw ApiError.invalid("requests: Field required");
            }
            return requests;
        }
    }

    /** Parses a count_tokens body: the facts of its one prompt, or an {@link ApiError} with the API's message. */
    public static RequestFacts parseCountTokens(InputStream body) throws IOException {
        try (JsonParser p = FACTORY.createParser(body)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                if (p.currentToken() == null) {
                    throw ApiError.invalid("The request body is not valid JSON: Expecting value: line 1 column 1");
                }
                p.skipChildren();
                throw ApiError.invalid("Input should be a valid dictionary or object to extract fields from");
            }
            RequestFacts facts = ParamsScanner.scanCountTokens(p);
            if (p.nextToken() != null) {
                throw ApiError.invalid("The request body is not valid JSON: Extra data after the JSON object");
            }
            return facts;
        }
    }

    private static List<RequestFacts> requests(JsonParser p) throws IOException {
        if (p.currentToken() != JsonToken.START_ARRAY) {
            p.skipChildren();
            throw ApiError.invalid("requests: Input should be a valid list");
        }
        List<RequestFacts> out = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        int index = 0;
        while (p.nextToken() != JsonToken.END_ARRAY) {
            if (index >= MAX_REQUESTS) {
                p.skipChildren();
            } else {
                RequestFacts facts = request(p, index);
                if (!seen.add(facts.customId())) {
                    throw ApiError.invalid(
                            "requests: custom_id's must be unique within a batch. Duplicate custom_id found: "
                                    + facts.customId());
                }
                out.add(facts);
            }
            index++;
        }
        if (index == 0) {
            throw ApiError.invalid("requests: List should have at least 1 item after validation, not 0");
        }
        if (index > MAX_REQUESTS) {
            throw ApiError.invalid(
                    "requests: List should have at most " + MAX_REQUESTS + " items after validation, not " + index);
        }
        return out;
    }

    private static RequestFacts request(JsonParser p, int index) throws IOException {
        String at = "requests." + index;
        if (p.currentToken() != JsonToken.START_OBJECT) {
            p.skipChildren();
            throw ApiError.invalid(at + ": Input should be a valid dictionary or object to extract fields from");
        }
        String customId = null;
        RequestFacts params = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken value = p.nextToken();
            if (name.equals("custom_id")) {
                if (value != JsonToken.VALUE_STRING) {
                    p.skipChildren();
                    throw ApiError.invalid(at + ".custom_id: Input should be a valid string");
                }
                customId = p.getText();
            } else if (name.equals("params")) {
                if (value != JsonToken.START_OBJECT) {
                    p.skipChildren();
                    throw ApiError.invalid(at + ".params: Input should be a valid dictionary");
                }
                params = ParamsScanner.scan(p);
            } else {
                throw ApiError.invalid(at + "." + name + ": Extra inputs are not permitted");
            }
        }
        checkCustomId(customId, at);
        if (params == null) {
            throw ApiError.invalid(at + ".params: Field required");
        }
        return params.withCustomId(customId);
    }

    private static void checkCustomId(String customId, String at) {
        if (customId == null) {
            throw ApiError.invalid(at + ".custom_id: Field required");
        }
        if (customId.isEmpty()) {
            throw ApiError.invalid(at + ".custom_id: String should have at least 1 character");
        }
        if (customId.length() > 64) {
            throw ApiError.invalid(at + ".custom_id: String should have at most 64 characters");
        }
        if (!CUSTOM_ID.matcher(customId).matches()) {
            throw ApiError.invalid(at + ".custom_id: String should match pattern '^[a-zA-Z0-9_-]{1,64}$'");
        }
    }
}
