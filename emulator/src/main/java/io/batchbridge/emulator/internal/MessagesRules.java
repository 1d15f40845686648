package io.batchbridge.emulator.internal;

import static io.batchbridge.emulator.internal.JsonRules.extra;
import static io.batchbridge.emulator.internal.JsonRules.noTag;
import static io.batchbridge.emulator.internal.JsonRules.required;
import static io.batchbridge.emulator.internal.JsonRules.unknownTag;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.List;
import java.util.function.Consumer;

/**
 * Streams {@code params.messages} once: checks it is a non-empty list of {@code user}/{@code assistant} messages
 * whose content is a string or a list of blocks of the types the API knows, that only the final assistant
 * message is empty, and finds the {@code #emulate} directive of the last user message. Texts are decoded only
 * for the directive. Problems go to the {@code fail} sink (the first one wins).
 */
final class MessagesRules {
    /** Input content block types of the Messages API (SDK {@code ContentBlockParam} and its beta additions). */
    static final List<String> BLOCK_TYPES = List.of(
            "text",
            "image",
            "document",
            "search_result",
            "thinking",
            "redacted_thinking",
            "tool_use",
            "tool_result",
            "server_tool_use",
            "web_search_tool_result",
            "web_fetch_tool_result",
            "code_execution_tool_result",
            "bash_code_execution_tool_result",
            "text_editor_code_execution_tool_result",
            "tool_search_tool_result",
            "mcp_tool_use",
            "mcp_tool_result",
            "container_upload");

    private final Consumer<String> fail;
    private Directive directive;
    private int emptyIndex = -1;
    private boolean emptyIsAssistant;

    private MessagesRules(Consumer<String> fail) {
        this.fail = fail;
    }

    /** Checks the array whose START_ARRAY is the current token; returns the last user message's directive. */
    static Directive scan(JsonParser p, Consumer<String> fail) throws IOException {
        MessagesRules r = new MessagesRules(fail);
        int count = 0;
        while (p.nextToken() != JsonToken.END_ARRAY) {
            if (JsonRules.object(p, "messages." + count, fail)) {
                r.message(p, count);
            }
            count++;
        }
        if (count == 0) {
            fail.accept("messages: at least one message is required");
        } else if (r.emptyIndex >= 0 && !(r.emptyIndex == count - 1 && r.emptyIsAssistant)) {
            fail.accept("messages." + r.emptyIndex
                    + ": all messages must have non-empty content except for the optional final assistant message");
        }
        return r.directive;
    }

    private void message(JsonParser p, int i) throws IOException {
        String at = "messages." + i;
        String role = null;
        boolean hasContent = false;
        boolean empty = false;
        Directive found = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String key = p.currentName();
            JsonToken value = p.nextToken();
            if (key.equals("role")) {
                role = JsonRules.string(p, value, at + ".role", fail);
            } else if (key.equals("content")) {
                hasContent = true;
                if (value == JsonToken.VALUE_STRING) {
                    empty = p.getTextLength() == 0;
                    found = Directive.find(p.getText());
                } else if (JsonRules.list(p, value, at + ".content", fail)) {
                    int[] blocks = {0};
                    found = blocks(p, at + ".content", blocks);
                    empty = blocks[0] == 0;
                }
            } else {
                p.skipChildren();
                fail.accept(extra(at + "." + key));
            }
        }
        if (role == null) {
            fail.accept(required(at + ".role"));
        } else if (!role.equals("user") && !role.equals("assistant")) {
            fail.accept(at + ".role: Input should be 'user' or 'assistant'");
        }
        if (!hasContent) {
            fail.accept(required(at + ".content"));
        }
        if (empty && emptyIndex < 0) {
            emptyIndex = i;
            emptyIsAssistant = "assistant".equals(role);
        }
        if ("user".equals(role)) {
            directive = found;
        }
    }

    /** Checks each block; counts them into {@code count[0]}; returns the last directive in a text block. */
    private Directive blocks(JsonParser p, String at, int[] count) throws IOException {
        Directive found = null;
        while (p.nextToken() != JsonToken.END_ARRAY) {
            String blockAt = at + "." + count[0]++;
            if (!JsonRules.object(p, blockAt, fail)) {
                continue;
            }
            String type = null;
            String text = null;
            boolean textSeen = false;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String key = p.currentName();
                JsonToken value = p.nextToken();
                if (key.equals("type")) {
                    type = JsonRules.string(p, value, blockAt + ".type", fail);
                } else if (key.equals("text")) {
                    textSeen = true;
                    text = value == JsonToken.VALUE_STRING ? p.getText() : null;
                    p.skipChildren();
                } else {
                    p.skipChildren();
                }
            }
            if (type == null) {
                fail.accept(noTag(blockAt));
            } else if (!BLOCK_TYPES.contains(type)) {
                fail.accept(unknownTag(blockAt, type, BLOCK_TYPES));
            } else if (type.equals("text")) {
                if (text == null) {
                    fail.accept(
                            textSeen
                                    ? blockAt + ".text.text: Input should be a valid string"
                                    : required(blockAt + ".text.text"));
                } else {
                    Directive d = Directive.find(text);
                    found = d != null ? d : found;
                }
            }
        }
        return found;
    }
}
