package io.batchbridge.common.records;

import com.fasterxml.jackson.core.JsonStreamContext;

/**
 * Where the Messages API takes a {@code cache_control} breakpoint: directly on an element of {@code tools}, of
 * {@code system} (a list of blocks), of a message's {@code content} (a list of blocks), or of the {@code content}
 * list of a {@code tool_result} block there. Judged from the parser's context at the key, without decoding.
 */
final class CachePlaces {
    /** Not a place: the producer's data. */
    static final int NONE = 0;
    /** A place. */
    static final int PLACE = 1;
    /** On an element of the content list of a message content block: a place if that block is a tool_result. */
    static final int IF_TOOL_RESULT = 2;

    private CachePlaces() {}

    /**
     * @param holder the parser's context at a {@code cache_control} field name: the object holding the key
     * @param sectionList the context of the section's list ({@code tools}, {@code system} or {@code messages});
     *     null when the section is not a list
     * @param messages whether the section is {@code messages}
     */
    static int of(JsonStreamContext holder, JsonStreamContext sectionList, boolean messages) {
        JsonStreamContext list = holder.getParent();
        if (sectionList == null || list == null || !list.inArray()) {
            return NONE;
        }
        if (list == sectionList) {
            return messages ? NONE : PLACE; // tools[i], system[i]; not messages[i]
        }
        JsonStreamContext owner = list.getParent();
        if (!messages || !contentOf(owner)) {
            return NONE;
        }
        JsonStreamContext up = owner.getParent();
        if (up == sectionList) {
            return PLACE; // messages[i].content[j]
        }
        JsonStreamContext message = up == null || !up.inArray() ? null : up.getParent();
        return contentOf(message) && message.getParent() == sectionList ? IF_TOOL_RESULT : NONE;
    }

    /** An object whose field being read is {@code content}. */
    private static boolean contentOf(JsonStreamContext c) {
        return c != null && c.inObject() && "content".equals(c.getCurrentName());
    }
}
