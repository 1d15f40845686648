package io.batchbridge.cli.estimate;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads one request's {@code params} locally, without the API: the model, {@code max_tokens}, the prompt's size and
 * its {@code cache_control} breakpoints. The prompt is rendered in the order the API caches it — {@code tools},
 * {@code system}, {@code messages} — and measured as the emulator does (docs/emulator.md "Prompt caching"): its
 * bytes without the {@code cache_control} keys and values, 4 bytes a token. A breakpoint is the end of a block
 * carrying {@code cache_control} (any depth), or the end of {@code messages} for a top-level {@code cache_control}
 * (automatic caching); its prefix is identified by a hash of the tokens before it (the {@code cache_control}
 * values left out, so moving a breakpoint does not change the prefix before it) and the model.
 */
public final class PromptScan {
    static final int TOOLS = 0;
    static final int SYSTEM = 1;
    static final int MESSAGES = 2;
    private static final JsonFactory JSON = new JsonFactory();
    private static final long FNV_OFFSET = 0xcbf29ce484222325L;
    private static final long FNV_PRIME = 0x100000001b3L;

    /** A breakpoint: the prefix's identity, its length in local tokens, whether it asks for the 1-hour TTL. */
    public record Breakpoint(long key, long tokens, boolean oneHour) {}

    /**
     * @param model {@code params.model}, or null when it is not a string
     * @param maxTokens {@code params.max_tokens}, or null when it is not an integer
     * @param promptBytes bytes of tools + system + messages without {@code cache_control} keys and values
     * @param breakpoints the prompt's breakpoints, shortest prefix first
     */
    public record Prompt(String model, Long maxTokens, long promptBytes, List<Breakpoint> breakpoints) {
        public Prompt {
            breakpoints = List.copyOf(breakpoints);
        }

        /** The local estimate of the input tokens: prompt bytes / 4, at least 1. */
        public long localTokens() {
            return Math.max(1, promptBytes / 4);
        }
    }

    private record Mark(int section, long hash, long bytes, boolean oneHour) {}

    private final long[] hash = {1, 2, 3};
    private final long[] bytes = new long[3];
    private final List<Mark> marks = new ArrayList<>();
    private String model;
    private Long maxTokens;
    private boolean automatic;
    private boolean automaticOneHour;

    private PromptScan() {}

    /**
     * Scans the params (a JSON object as bytes).
     *
     * @throws IllegalArgumentException when they are not a JSON object
     */
    public static Prompt scan(byte[] params) {
        PromptScan s = new PromptScan();
        try (JsonParser p = JSON.createParser(params)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new IllegalArgumentException("params must be a JSON object");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                s.field(p, name, value);
            }
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("params are not valid JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Prompt(s.model, s.maxTokens, s.bytes[0] + s.bytes[1] + s.bytes[2], s.breakpoints());
    }

    private void field(JsonParser p, String name, JsonToken value) throws IOException {
        switch (name) {
            case "model" -> model = value == JsonToken.VALUE_STRING ? p.getText() : null;
            case "max_tokens" -> maxTokens = value == JsonToken.VALUE_NUMBER_INT ? p.getLongValue() : null;
            case "tools" -> section(p, TOOLS);
            case "system" -> section(p, SYSTEM);
            case "messages" -> section(p, MESSAGES);
            case "cache_control" -> {
                if (value == JsonToken.START_OBJECT) {
                    automatic = true;
                    automaticOneHour = oneHourTtl(p);
                }
            }
            default -> {}
        }
        p.skipChildren();
    }

    /** Walks one section's value, hashing its tokens and noting the end of every block with cache_control. */
    private void section(JsonParser p, int s) throws IOException {
        long start = p.currentTokenLocation().getByteOffset();
        long skipped = 0;
        long h = FNV_OFFSET ^ (s + 1);
        int depth = 0;
        long marked = 0; // bit d: the object open at depth d carries cache_control
        long oneHour = 0;
        JsonToken t = p.currentToken();
        while (true) {
            if (t == JsonToken.FIELD_NAME && "cache_control".equals(p.currentName())) {
                long keyStart = p.currentTokenLocation().getByteOffset();
                JsonToken v = p.nextToken();
                if (v == JsonToken.START_OBJECT && depth < 64) {
                    marked |= 1L << depth;
                    if (oneHourTtl(p)) {
                        oneHour |= 1L << depth;
                    }
                } else {
                    p.skipChildren();
                    p.finishToken();
                }
                skipped += p.currentLocation().getByteOffset() - keyStart + 1; // with the comma before the key
            } else {
                if (t.isStructStart()) {
                    depth++;
                } else if (t.isStructEnd()) {
                    if (t == JsonToken.END_OBJECT && depth < 64 && (marked & (1L << depth)) != 0) {
                        marked &= ~(1L << depth);
                        h = mix(h, t.id());
                        long end = p.currentLocation().getByteOffset() - start - skipped;
                        marks.add(new Mark(s, h, Math.max(0, end), (oneHour & (1L << depth)) != 0));
                        oneHour &= ~(1L << depth);
                        depth--;
                        t = null;
                    } else {
                        depth--;
                    }
                }
                if (t != null) {
                    h = mix(h, t.id());
                    if (t == JsonToken.FIELD_NAME || t.isScalarValue()) {
                        String text = p.getText();
                        for (int i = 0; i < text.length(); i++) {
                            h = mix(h, text.charAt(i));
                        }
                    }
                }
            }
            if (depth == 0) {
                break;
            }
            t = p.nextToken();
            if (t == null) {
                break;
            }
        }
        hash[s] = h;
        bytes[s] = Math.max(0, p.currentLocation().getByteOffset() - start - skipped);
    }

    /** Reads a cache_control object (current token: its START_OBJECT) to its end; true for {@code "ttl": "1h"}. */
    private static boolean oneHourTtl(JsonParser p) throws IOException {
        boolean oneHour = false;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String key = p.currentName();
            JsonToken v = p.nextToken();
            if (key.equals("ttl") && v == JsonToken.VALUE_STRING) {
                oneHour = "1h".equals(p.getText());
            } else {
                p.skipChildren();
            }
        }
        return oneHour;
    }

    private List<Breakpoint> breakpoints() {
        List<Breakpoint> out = new ArrayList<>(marks.size() + 1);
        marks.sort(java.util.Comparator.comparingInt(Mark::section)); // rendered order: tools, system, messages
        for (Mark m : marks) {
            out.add(point(m.section(), m.hash(), m.bytes(), m.oneHour()));
        }
        if (automatic) {
            out.add(point(MESSAGES, hash[MESSAGES], bytes[MESSAGES], automaticOneHour));
        }
        return out;
    }

    private Breakpoint point(int section, long partialHash, long partialBytes, boolean oneHour) {
        long key = mix(FNV_OFFSET, section + 1);
        long total = partialBytes;
        for (int s = 0; s < section; s++) {
            key = mix(key, hash[s]);
            total += bytes[s];
        }
        key = mix(key, partialHash);
        key = mix(key, model == null ? 0 : model.hashCode());
        return new Breakpoint(key, total / 4, oneHour);
    }

    private static long mix(long h, long v) {
        return (h ^ v) * FNV_PRIME;
    }
}
