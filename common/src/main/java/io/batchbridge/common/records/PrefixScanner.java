package io.batchbridge.common.records;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.util.JsonParserDelegate;
import java.io.IOException;
import java.util.Arrays;

/**
 * Watches the prompt sections of one request's {@code params} ({@code tools}, {@code system}, {@code messages})
 * while the validator reads them through it, in the same streaming pass, and notes only byte offsets: where each
 * section starts and ends, where every block carrying {@code cache_control} ends (a breakpoint), and where each
 * {@code cache_control} key and value sit. Nothing but a message content block's {@code type} is decoded, and
 * nothing is hashed, while parsing, so a request without a
 * breakpoint pays a few comparisons per token; for one with breakpoints, {@link #prefix} hashes the raw bytes of
 * the prefix up to its last breakpoint once, after the pass (a hash over a byte range, not a second parse).
 *
 * <p>Identity is by bytes: the {@code cache_control} keys and values are left out (with the comma that separated
 * them), so moving or re-timing a breakpoint does not change the prefix before it; a producer that serialises the
 * same prompt with other whitespace or escapes gets another fingerprint (a missed grouping, never a wrong answer).
 * Hostile input is bounded: more than {@link #MAX_BREAKPOINTS} breakpoints (the API refuses them) or more than
 * {@link #MAX_CACHE_CONTROLS} {@code cache_control} keys give no fingerprint; memory is a few fixed arrays.
 *
 * <p>A {@code cache_control} key counts only where the Messages API takes one: directly on an element of
 * {@code tools}, of {@code system} (a list of blocks), of a message's {@code content} (a list of blocks), or of the
 * {@code content} list of a {@code tool_result} block in a message's content; plus the top-level one (automatic
 * caching, {@link #automatic}). Anywhere else — a tool's {@code input_schema}, a {@code tool_use}'s {@code input},
 * any JSON inside a block — it is the producer's data: hashed like any other byte, never a breakpoint, never
 * rewritten. A {@code tool_result}'s type may come after its content, so a key in its content list is noted
 * provisionally and kept or dropped when the block closes.
 */
final class PrefixScanner extends JsonParserDelegate {
    static final int TOOLS = 0;
    static final int SYSTEM = 1;
    static final int MESSAGES = 2;
    /** Most blocks with {@code cache_control} the API accepts in one request. */
    static final int MAX_BREAKPOINTS = 4;
    /** Most {@code cache_control} keys (any value) noted; beyond, the request gets no fingerprint. */
    static final int MAX_CACHE_CONTROLS = 8;

    private static final String CACHE_CONTROL = "cache_control";

    /** Depth (in a messages section) of a message content block: messages list, message, content list, block. */
    private static final int BLOCK_DEPTH = 4;

    private static final int TYPE_UNKNOWN = 0;
    private static final int TYPE_TOOL_RESULT = 1;
    private static final int TYPE_OTHER = 2;

    /** The section's list (while watching a section whose value is a list), else null. */
    private JsonStreamContext sectionList;
    /** Whether the current message content block is a tool_result, as far as read. */
    private int blockType;
    /** The next token is the value of a message content block's {@code type}. */
    private boolean expectType;
    /** The cache_control being read sits in a tool_result's content whose block type is not read yet. */
    private boolean provisional;

    private final long[] sectionStart = {-1, -1, -1};
    private final long[] sectionEnd = {-1, -1, -1};
    private int section = -1;
    /** The section whose end is the start of the next token read (a section may end on a lazily read string). */
    private int endPending = -1;

    private int depth;
    /** Depths of the objects open with a {@code cache_control} object inside them: breakpoints not yet closed. */
    private final int[] openMarks = new int[MAX_BREAKPOINTS + 1];

    private final long[][] openMarkTtl = new long[MAX_BREAKPOINTS + 1][];
    private final boolean[] openMarkProvisional = new boolean[MAX_BREAKPOINTS + 1];
    private int openCount;
    /** Closed breakpoints: {section, end offset, cache_control value start, value end, provisional (1) or not}. */
    private final long[][] marks = new long[MAX_BREAKPOINTS][];

    private int markCount;
    /** {@code cache_control} key-and-value ranges, left out of the hash. */
    private final long[] excludedStart = new long[MAX_CACHE_CONTROLS];

    private final long[] excludedEnd = new long[MAX_CACHE_CONTROLS];
    private final boolean[] excludedProvisional = new boolean[MAX_CACHE_CONTROLS];
    private int excludedCount;
    /** 0: not in a cache_control value; -1: its first token is next; n &gt; 0: nesting inside it. */
    private int inValue;

    private long keyStart;
    private long valueStart;
    private long[] automatic;
    private boolean unusable;

    PrefixScanner(JsonParser p) {
        super(p);
    }

    /** Starts watching a section whose first token is the current one. */
    void enter(int s) throws IOException {
        section = s;
        sectionStart[s] = delegate.currentTokenLocation().getByteOffset();
        depth = 0;
        openCount = 0;
        inValue = 0;
        blockType = TYPE_UNKNOWN;
        expectType = false;
        JsonToken first = delegate.currentToken();
        sectionList = null;
        if (first != null && !unusable) {
            feed(first);
        }
        sectionList = first == JsonToken.START_ARRAY ? delegate.getParsingContext() : null;
    }

    /** Stops watching after the section's last token; its end is where the next token starts. */
    void exit() {
        endPending = section;
        section = -1;
        sectionList = null;
    }

    /** A top-level {@code cache_control} object (automatic caching) spans these offsets: a breakpoint at the end of messages. */
    void automatic(long start, long end) {
        automatic = new long[] {start, end};
    }

    @Override
    public JsonToken nextToken() throws IOException {
        JsonToken t = delegate.nextToken();
        if (endPending >= 0) {
            sectionEnd[endPending] = delegate.currentTokenLocation().getByteOffset();
            endPending = -1;
        }
        if (section >= 0 && t != null && !unusable) {
            feed(t);
        }
        return t;
    }

    @Override
    public JsonParser skipChildren() throws IOException {
        if (section < 0 || unusable) {
            return delegate.skipChildren();
        }
        // Walk the skipped value through nextToken: a breakpoint may sit anywhere inside it.
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
        if (inValue != 0) {
            cacheControlValue(t);
            return;
        }
        if (expectType) {
            expectType = false;
            blockType = t == JsonToken.VALUE_STRING && "tool_result".equals(delegate.getText())
                    ? TYPE_TOOL_RESULT
                    : TYPE_OTHER;
        }
        boolean blockDepth = section == MESSAGES && depth == BLOCK_DEPTH;
        if (t.isStructStart()) {
            depth++;
            if (t == JsonToken.START_OBJECT && section == MESSAGES && depth == BLOCK_DEPTH) {
                blockType = TYPE_UNKNOWN;
            }
        } else if (t == JsonToken.END_OBJECT) {
            if (openCount > 0 && openMarks[openCount - 1] == depth) {
                openCount--;
                closeMark(openMarkTtl[openCount], openMarkProvisional[openCount]);
            }
            if (blockDepth) {
                settle(blockType == TYPE_TOOL_RESULT);
            }
            depth--;
        } else if (t == JsonToken.END_ARRAY) {
            depth--;
        } else if (t == JsonToken.FIELD_NAME) {
            String name = delegate.currentName();
            if (CACHE_CONTROL.equals(name)) {
                int place = CachePlaces.of(delegate.getParsingContext(), sectionList, section == MESSAGES);
                if (place == CachePlaces.NONE || (place == CachePlaces.IF_TOOL_RESULT && blockType == TYPE_OTHER)) {
                    return; // the producer's data: hashed, never a breakpoint
                }
                provisional = place == CachePlaces.IF_TOOL_RESULT && blockType == TYPE_UNKNOWN;
                keyStart = delegate.currentTokenLocation().getByteOffset();
                inValue = -1;
            } else if (blockDepth && "type".equals(name)) {
                expectType = true;
            }
        }
    }

    /** A message content block closed: its provisional notes are kept (a tool_result) or dropped. */
    private void settle(boolean keep) {
        int e = 0;
        for (int i = 0; i < excludedCount; i++) {
            if (keep || !excludedProvisional[i]) {
                excludedStart[e] = excludedStart[i];
                excludedEnd[e] = excludedEnd[i];
                excludedProvisional[e++] = false;
            }
        }
        excludedCount = e;
        int m = 0;
        for (int i = 0; i < markCount; i++) {
            if (keep || marks[i][4] == 0) {
                marks[m] = marks[i];
                marks[m++][4] = 0;
            }
        }
        for (int i = m; i < markCount; i++) {
            marks[i] = null;
        }
        markCount = m;
    }

    /** Inside a {@code cache_control} value: not content; an object value makes its block a breakpoint. */
    private void cacheControlValue(JsonToken t) throws IOException {
        if (inValue == -1) {
            valueStart = delegate.currentTokenLocation().getByteOffset();
            if (t.isStructStart()) {
                inValue = 1;
                return;
            }
            if (t == JsonToken.VALUE_STRING) {
                delegate.finishToken(); // so the location is after the closing quote
            }
            inValue = 0;
            excluded(false);
            return;
        }
        if (t.isStructStart()) {
            inValue++;
        } else if (t.isStructEnd() && --inValue == 0) {
            excluded(t == JsonToken.END_OBJECT);
        }
    }

    private void excluded(boolean object) {
        long end = delegate.currentLocation().getByteOffset();
        if (excludedCount == MAX_CACHE_CONTROLS) {
            unusable = true;
            return;
        }
        excludedStart[excludedCount] = keyStart;
        excludedProvisional[excludedCount] = provisional;
        excludedEnd[excludedCount++] = end;
        if (object) {
            if (openCount + markCount >= MAX_BREAKPOINTS) {
                unusable = true; // the API refuses more than 4 breakpoints: nothing to pack by
                return;
            }
            openMarks[openCount] = depth;
            openMarkProvisional[openCount] = provisional;
            openMarkTtl[openCount++] = new long[] {valueStart, end};
        }
    }

    private void closeMark(long[] ttl, boolean provisional) {
        long end = delegate.currentLocation().getByteOffset();
        marks[markCount++] = new long[] {section, end, ttl[0], ttl[1], provisional ? 1 : 0};
    }

    /**
     * The request's prefix up to its last breakpoint (in rendering order: tools, system, messages; a top-level
     * {@code cache_control} is the end of messages), hashed with the model; {@link PromptPrefix#NONE} without one.
     *
     * @param source the bytes the parser reads
     * @param paramsStart offset of {@code params}' opening brace in {@code source}
     */
    PromptPrefix prefix(byte[] source, long paramsStart, String model) {
        if (unusable || model == null || (markCount == 0 && automatic == null)) {
            return PromptPrefix.NONE;
        }
        long[] last = null;
        if (automatic != null && sectionStart[MESSAGES] >= 0 && sectionEnd[MESSAGES] >= 0) {
            // automatic caching: the breakpoint is the end of messages, after every block's
            long end = trimEnd(source, sectionStart[MESSAGES], sectionEnd[MESSAGES]);
            last = new long[] {MESSAGES, end, automatic[0], automatic[1]};
        } else {
            for (int i = 0; i < markCount; i++) {
                long[] m = marks[i];
                if (last == null || m[0] > last[0] || (m[0] == last[0] && m[1] > last[1])) {
                    last = m;
                }
            }
        }
        if (last == null) {
            return PromptPrefix.NONE;
        }
        PrefixHash h = new PrefixHash(source, sortedExclusions(source));
        h.text(model);
        int lastSection = (int) last[0];
        for (int s = 0; s <= lastSection; s++) {
            h.marker(s);
            if (sectionStart[s] < 0 || (sectionEnd[s] < 0 && s < lastSection)) {
                continue;
            }
            long end = s < lastSection ? trimEnd(source, sectionStart[s], sectionEnd[s]) : last[1];
            h.bytes(sectionStart[s], end);
        }
        long f = h.finish();
        return new PromptPrefix(f == 0 ? 1 : f, breakpointValues(paramsStart));
    }

    /** Every breakpoint's cache_control value range, relative to params, in byte order. */
    private int[] breakpointValues(long paramsStart) {
        long[][] all = new long[markCount + (automatic == null ? 0 : 1)][];
        for (int i = 0; i < markCount; i++) {
            all[i] = new long[] {marks[i][2], marks[i][3]};
        }
        if (automatic != null) {
            all[markCount] = automatic;
        }
        Arrays.sort(all, (x, y) -> Long.compare(x[0], y[0]));
        int[] out = new int[all.length * 2];
        for (int i = 0; i < all.length; i++) {
            out[2 * i] = (int) (all[i][0] - paramsStart);
            out[2 * i + 1] = (int) (all[i][1] - paramsStart);
        }
        return out;
    }

    /** Excluded ranges in byte order, each widened by the separator that joined it to its neighbours. */
    private long[][] sortedExclusions(byte[] src) {
        long[][] out = new long[excludedCount][];
        for (int i = 0; i < excludedCount; i++) {
            long a = excludedStart[i];
            long b = excludedEnd[i];
            long left = a;
            while (left > 0 && whitespace(src[(int) left - 1])) {
                left--;
            }
            if (left > 0 && src[(int) left - 1] == ',') {
                a = left - 1; // "…", "cache_control": {…}  →  drop the comma before it
            } else {
                while (b < src.length && whitespace(src[(int) b])) {
                    b++;
                }
                if (b < src.length && src[(int) b] == ',') {
                    b++; // {"cache_control": {…}, "…"  →  drop the comma after it
                    while (b < src.length && whitespace(src[(int) b])) {
                        b++;
                    }
                }
            }
            out[i] = new long[] {a, b};
        }
        Arrays.sort(out, (x, y) -> Long.compare(x[0], y[0]));
        return out;
    }

    /** The end of a section without the separators after its last token. */
    private static long trimEnd(byte[] src, long start, long end) {
        long e = Math.min(end, src.length);
        while (e > start && (whitespace(src[(int) e - 1]) || src[(int) e - 1] == ',')) {
            e--;
        }
        return e;
    }

    private static boolean whitespace(byte b) {
        return b == ' ' || b == '\n' || b == '\r' || b == '\t';
    }
}
