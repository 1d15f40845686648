package io.batchbridge.emulator.internal;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Reads one request's {@code params} object in one streaming pass: model, {@code max_tokens}, {@code stream},
 * whether {@code messages} is there, the directive of the last user message, what the params ask of the
 * answer's shape, the first structural problem ({@link MessagesRules}, {@link ParamsRules}), and the prompt's
 * size and cache breakpoints ({@link PrefixTracker}). Nothing of the params is kept but hashes and counts.
 */
final class ParamsScanner {
    /** Top-level keys of {@code POST /v1/messages/count_tokens} (SDK {@code MessageCountTokensParams}, beta too). */
    static final Set<String> COUNT_KEYS = Set.of(
            "model",
            "messages",
            "system",
            "tools",
            "tool_choice",
            "thinking",
            "cache_control",
            "output_config",
            "speed",
            "context_management",
            "mcp_servers",
            "output_format");

    private String model;
    private boolean modelInvalid;
    private Long maxTokens;
    private boolean maxTokensInvalid;
    private boolean stream;
    private int messages;
    private Directive directive;
    private String invalid;
    private final ParamsRules rules = new ParamsRules(this::fail);
    private final boolean countTokens;
    private PrefixTracker tracker;
    private boolean automaticCache;
    private boolean automaticOneHour;

    private ParamsScanner(boolean countTokens) {
        this.countTokens = countTokens;
    }

    /** Scans the object whose START_OBJECT is the current token; returns facts without a custom_id. */
    static RequestFacts scan(JsonParser p) throws IOException {
        return scan(p, false);
    }

    /** Scans a count_tokens body (no {@code max_tokens}; only the keys that endpoint takes). */
    static RequestFacts scanCountTokens(JsonParser p) throws IOException {
        return scan(p, true);
    }

    private static RequestFacts scan(JsonParser raw, boolean countTokens) throws IOException {
        long start = raw.currentTokenLocation().getByteOffset();
        ParamsScanner s = new ParamsScanner(countTokens);
        PrefixTracker p = new PrefixTracker(raw);
        s.tracker = p;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken value = p.nextToken();
            s.field(p, name, value);
        }
        long end = p.currentLocation().getByteOffset();
        long bytes = start >= 0 && end >= start ? end - start : 0;
        List<CachePoint> points = s.cachePoints();
        return new RequestFacts(
                null,
                s.model,
                s.modelInvalid,
                s.maxTokens,
                s.maxTokensInvalid,
                s.stream,
                s.messages,
                s.directive,
                bytes,
                s.invalid,
                s.rules.asked(),
                p.sectionBytes(PrefixTracker.TOOLS)
                        + p.sectionBytes(PrefixTracker.SYSTEM)
                        + p.sectionBytes(PrefixTracker.MESSAGES),
                points);
    }

    /** The request's breakpoints as prefixes of the rendered prompt (tools, system, messages). */
    private List<CachePoint> cachePoints() {
        List<PrefixTracker.Mark> marks = tracker.marks();
        if (marks == null) {
            fail("A maximum of " + PrefixTracker.MAX_BREAKPOINTS + " blocks with cache_control may be provided. Found "
                    + tracker.markCount() + ".");
            return List.of();
        }
        List<CachePoint> out = new ArrayList<>(marks.size() + 1);
        for (PrefixTracker.Mark m : marks) {
            out.add(point(m.section(), m.hash(), m.bytes(), m.oneHour()));
        }
        if (automaticCache) {
            // Automatic caching: one breakpoint on the last cacheable block, i.e. the whole prompt.
            int last = PrefixTracker.MESSAGES;
            out.add(point(last, tracker.sectionHash(last), tracker.sectionBytes(last), automaticOneHour));
        }
        return out;
    }

    private CachePoint point(int section, long partialHash, long partialBytes, boolean oneHour) {
        long key = Hashing.mix(section + 1L);
        long bytes = partialBytes;
        for (int s = 0; s < section; s++) {
            key = Hashing.mix(key ^ tracker.sectionHash(s));
            bytes += tracker.sectionBytes(s);
        }
        return new CachePoint(Hashing.mix(key ^ partialHash), bytes / 4, oneHour);
    }

    private void field(PrefixTracker p, String name, JsonToken value) throws IOException {
        if (countTokens && !COUNT_KEYS.contains(name)) {
            p.skipChildren();
            fail(JsonRules.extra(name));
            return;
        }
        switch (name) {
            case "model" -> {
                model = value == JsonToken.VALUE_STRING ? p.getText() : null;
                modelInvalid = value != JsonToken.VALUE_STRING && value != JsonToken.VALUE_NULL;
                p.skipChildren();
            }
            case "max_tokens" -> {
                if (value == JsonToken.VALUE_NUMBER_INT) {
                    maxTokens =
                            p.getNumberType() == JsonParser.NumberType.BIG_INTEGER ? Long.MAX_VALUE : p.getLongValue();
                } else {
                    maxTokensInvalid = value != JsonToken.VALUE_NULL;
                    p.skipChildren();
                }
            }
            case "stream" -> {
                stream = value == JsonToken.VALUE_TRUE;
                p.skipChildren();
            }
            case "messages" -> {
                p.enter(PrefixTracker.MESSAGES);
                if (value == JsonToken.START_ARRAY) {
                    messages = 1;
                    directive = MessagesRules.scan(p, this::fail);
                } else {
                    messages = value == JsonToken.VALUE_NULL ? 0 : 2;
                    p.skipChildren();
                }
                p.exit();
            }
            case "tools", "system" -> {
                p.enter(name.equals("tools") ? PrefixTracker.TOOLS : PrefixTracker.SYSTEM);
                rules.field(p, name, value);
                p.exit();
            }
            case "cache_control" -> automaticCache(p, value);
            case "speed" -> {
                if (countTokens) {
                    p.skipChildren(); // fast mode is a Messages option count_tokens takes; batches refuse it
                } else {
                    rules.field(p, name, value);
                }
            }
            default -> rules.field(p, name, value);
        }
    }

    /** A top-level {@code cache_control}: automatic caching of the whole prompt, with its TTL. */
    private void automaticCache(JsonParser p, JsonToken value) throws IOException {
        if (value != JsonToken.START_OBJECT) {
            p.skipChildren();
            return;
        }
        automaticCache = true;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String key = p.currentName();
            JsonToken v = p.nextToken();
            if (key.equals("ttl") && v == JsonToken.VALUE_STRING) {
                automaticOneHour = "1h".equals(p.getText());
            } else {
                p.skipChildren();
            }
        }
    }

    private void fail(String message) {
        invalid = invalid == null ? message : invalid;
    }
}
