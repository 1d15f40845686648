package io.batchbridge.common.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The one Jackson setup batch-bridge parses untrusted bytes with: duplicate keys rejected, nesting and
 * sizes bounded, so a hostile record fails fast with a clear message instead of exhausting the heap.
 */
public final class Json {
    /** Deeper nesting is refused (a Messages body is nowhere near this). */
    public static final int MAX_NESTING_DEPTH = 500;

    public static final JsonFactory FACTORY = JsonFactory.builder()
            .enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(MAX_NESTING_DEPTH)
                    .maxStringLength(64 * 1024 * 1024)
                    .maxNumberLength(1000)
                    .build())
            .build();

    public static final ObjectMapper MAPPER = new ObjectMapper(FACTORY);

    private Json() {}

    static {
        FACTORY.disable(JsonParser.Feature.AUTO_CLOSE_SOURCE);
    }
}
