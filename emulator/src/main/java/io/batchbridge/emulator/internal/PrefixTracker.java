package io.batchbridge.emulator.internal;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.util.JsonParserDelegate;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Watches the prompt sections of one request's {@code params} ({@code tools}, {@code system}, {@code messages})
 * while the rules read them through it, and keeps, per section, a 64-bit hash of its content and its size in
 * bytes, plus the same two figures at the end of every block that carries a {@code cache_control} breakpoint.
 * The {@code cache_control} values themselves are left out of the hash, so two prompts that differ only in where
 * their breakpoints sit share their prefixes. Nothing of the content is kept: the prompt cache stores hashes.
 *
 * <p>A {@code cache_control} key is a breakpoint only where the API takes one: directly on an element of
 * {@code tools}, of {@code system}, of a message's {@code content}, or of the {@code content} list of a
 * {@code tool_result} block there. Anywhere else (a tool's {@code input_schema}, a {@code tool_use}'s
 * {@code input}, JSON nested in a block) it is content, hashed and counted like any other. The hash runs as the
 * tokens come, so a key in the content list of a block whose {@code type} comes only after that list is taken as
 * a breakpoint (as it is for a tool_result, the one block type with such a list that producers write).
 */
final class PrefixTracker extends JsonParserDelegate {
    /** Sections in the order the API renders a prompt (and so the order prefixes run). */
    static final int TOOLS = 0;

    static final int SYSTEM = 1;
    static final int MESSAGES = 2;
    /** Most blocks with {@code cache_control} one request may have. */
    static final int MAX_BREAKPOINTS = 4;

    /** Depth of a message content block in messages: the list, a message, its content list, the block. */
    private static final int BLOCK_DEPTH = 4;

    private static final long FNV_OFFSET = 0xcbf29ce484222325L;
    private static final long FNV_PRIME = 0x100000001b3L;

    /** A breakpoint inside a section: the section's hash and byte count up to the end of the marked block. */
    record Mark(int section, long hash, long bytes, boolean oneHour) {}

    private final long[] hash = new long[3];
    private final long[] bytes = new long[3];
    private final boolean[] present = new boolean[3];
    private final List<Mark> marks = new ArrayList<>();
    private int section = -1;
    private long sectionStart;
    private int depth;
    /** Bit d set: the object open at depth d carries a {@code cache_control} key (a breakpoint at its end). */
    private long markedDepths;
    /** Bit d set: that object's {@code cache_control} asks for the 1-hour TTL. */
    private long oneHourDepths;
    /** Depth of the {@code cache_control} value being skipped (0: none); -1: its first token is next. */
    private int skipping;

    private boolean ttlNext;
    /** Bytes of this section's {@code cache_control} keys and values: not prompt content, so not counted. */
    private long skippedBytes;

    private long cacheControlStart;
    /** The section's list, while watching a section that is a list. */
    private JsonStreamContext sectionList;
    /** 0: the current message content block's type is not read yet; 1: tool_result; 2: another. */
    private int blockType;

    private boolean typeNext;

    PrefixTracker(JsonParser p) {
        super(p);
    }

    /** Starts watching a section whose first token is the current one. */
    void enter(int s) throws IOException {
        section = s;
        present[s] = true;
        hash[s] = FNV_OFFSET ^ (s + 1);
        sectionStart = delegate.currentTokenLocation().getByteOffset();
        depth = 0;
        markedDepths = 0;
        oneHourDepths = 0;
        skipping = 0;
        skippedBytes = 0;
        blockType = 0;
        typeNext = false;
        sectionList = null;
        JsonToken first = delegate.currentToken();
        feed(first);
        sectionList = first == JsonToken.START_ARRAY ? delegate.getParsingContext() : null;
    }

    /** Stops watching after the section's last token. */
    void exit() {
        if (section >= 0) {
            bytes[section] = Math.max(0, delegate.currentLocation().getByteOffset() - sectionStart - skippedBytes);
        }
        section = -1;
        sectionList = null;
    }

    @Override
    public JsonToken nextToken() throws IOException {
        JsonToken t = delegate.nextToken();
        if (section >= 0 && t != null) {
            feed(t);
        }
        return t;
    }

    @Override
    public JsonParser skipChildren() throws IOException {
        if (section < 0) {
            return delegate.skipChildren();
        }
        // Walk the skipped value through nextToken so its content is hashed too.
        JsonToken t = currentToken();
        if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
            int open = 1;
            while (open > 0) {
                JsonToken n = nextToken();
                if (n == null) {
                    break;
                }
                if (n.isStructStart()) {
                    open++;
                } else if (n.isStructEnd()) {
                    open--;
                }
            }
        }
        return this;
    }

    private void feed(JsonToken t) throws IOException {
        if (skipping != 0) {
            skipCacheControl(t);
            return;
        }
        if (typeNext) {
            typeNext = false;
            blockType = t == JsonToken.VALUE_STRING && "tool_result".equals(delegate.getText()) ? 1 : 2;
        }
        boolean blockDepth = section == MESSAGES && depth == BLOCK_DEPTH;
        if (t.isStructStart()) {
            depth++;
            if (t == JsonToken.START_OBJECT && section == MESSAGES && depth == BLOCK_DEPTH) {
                blockType = 0;
            }
        } else if (t.isStructEnd()) {
            if (t == JsonToken.END_OBJECT && depth < 64 && (markedDepths & (1L << depth)) != 0) {
                mix(t.id());
                markedDepths &= ~(1L << depth);
                boolean oneHour = (oneHourDepths & (1L << depth)) != 0;
                oneHourDepths &= ~(1L << depth);
                depth--;
                long end = delegate.currentLocation().getByteOffset() - sectionStart - skippedBytes;
                marks.add(new Mark(section, hash[section], Math.max(0, end), oneHour));
                return;
            }
            depth--;
        } else if (t == JsonToken.FIELD_NAME && blockDepth && "type".equals(delegate.currentName())) {
            typeNext = true;
        } else if (t == JsonToken.FIELD_NAME && "cache_control".equals(delegate.currentName()) && place()) {
            if (depth < 64) {
                markedDepths |= 1L << depth;
            }
            skipping = -1;
            cacheControlStart = delegate.currentTokenLocation().getByteOffset();
            return;
        }
        mix(t.id());
        if (t == JsonToken.FIELD_NAME || t == JsonToken.VALUE_STRING) {
            char[] chars = delegate.getTextCharacters();
            int off = delegate.getTextOffset();
            int end = off + delegate.getTextLength();
            long h = hash[section];
            for (int i = off; i < end; i++) {
                h = (h ^ chars[i]) * FNV_PRIME;
            }
            hash[section] = h;
        } else if (t.isScalarValue()) {
            String text = delegate.getText();
            for (int i = 0; i < text.length(); i++) {
                mix(text.charAt(i));
            }
        }
    }

    /** Whether the {@code cache_control} key just read sits where the API takes a breakpoint. */
    private boolean place() {
        JsonStreamContext list = delegate.getParsingContext().getParent();
        if (sectionList == null || list == null || !list.inArray()) {
            return false;
        }
        if (list == sectionList) {
            return section != MESSAGES; // tools[i], system[i]
        }
        JsonStreamContext owner = list.getParent();
        if (section != MESSAGES || !contentOf(owner)) {
            return false;
        }
        JsonStreamContext up = owner.getParent();
        if (up == sectionList) {
            return true; // messages[i].content[j]
        }
        JsonStreamContext message = up == null || !up.inArray() ? null : up.getParent();
        return contentOf(message) && message.getParent() == sectionList && blockType != 2; // a tool_result's
    }

    private static boolean contentOf(JsonStreamContext c) {
        return c != null && c.inObject() && "content".equals(c.getCurrentName());
    }

    /** Inside a {@code cache_control} value: not hashed; its {@code ttl} is noted. */
    private void skipCacheControl(JsonToken t) throws IOException {
        if (skipping == -1) {
            skipping = t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY ? 1 : 0;
            if (t != JsonToken.START_OBJECT && depth < 64) {
                markedDepths &= ~(1L << depth); // "cache_control": null (or anything not an object) marks nothing
            }
            if (skipping == 0) {
                skipped();
            }
            return;
        }
        if (t.isStructStart()) {
            skipping++;
        } else if (t.isStructEnd()) {
            skipping--;
            if (skipping == 0) {
                skipped();
            }
        } else if (t == JsonToken.FIELD_NAME) {
            ttlNext = skipping == 1 && "ttl".equals(delegate.currentName());
            return;
        } else if (ttlNext && t == JsonToken.VALUE_STRING && "1h".equals(delegate.getText()) && depth < 64) {
            oneHourDepths |= 1L << depth;
        }
        ttlNext = false;
    }

    /** The {@code cache_control} key and value just skipped, with the comma before the key. */
    private void skipped() {
        skippedBytes += delegate.currentLocation().getByteOffset() - cacheControlStart + 1;
    }

    private void mix(int v) {
        hash[section] = (hash[section] ^ v) * FNV_PRIME;
    }

    /** The breakpoints found, in section order; null when the request has more than {@link #MAX_BREAKPOINTS}. */
    List<Mark> marks() {
        return marks.size() > MAX_BREAKPOINTS ? null : marks;
    }

    /** Blocks with {@code cache_control} seen. */
    int markCount() {
        return marks.size();
    }

    /** The section's full hash (a constant for an absent section). */
    long sectionHash(int s) {
        return present[s] ? hash[s] : s + 1;
    }

    long sectionBytes(int s) {
        return bytes[s];
    }
}
