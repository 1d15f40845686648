package io.batchbridge.client;

/**
 * One line of a batch's results, parsed only as far as routing and accounting need. The succeeded
 * {@code message} is kept as the exact bytes the API sent (unknown fields, number formatting and unicode
 * escapes untouched), so it can be relayed without a parse-and-reserialise round trip.
 *
 * @param errorType for {@code errored}: {@code result.error.error.type}, e.g. {@code overloaded_error}; else null
 * @param errorMessage for {@code errored}: {@code result.error.error.message}; else null
 * @param model for {@code succeeded}: {@code message.model}; else null
 * @param stopReason for {@code succeeded}: {@code message.stop_reason}, e.g. {@code max_tokens}; else null
 * @param usage for {@code succeeded}: {@code message.usage}; else {@link Usage#ZERO}
 * @param message for {@code succeeded}: raw JSON bytes of {@code result.message}; else null. Records compare
 *     arrays by identity, so compare two lines' messages with {@link java.util.Arrays#equals(byte[], byte[])}.
 */
public record ResultLine(
        String customId,
        ResultType type,
        String errorType,
        String errorMessage,
        String model,
        String stopReason,
        Usage usage,
        byte[] message) {

    /** True when the output was cut at {@code max_tokens}: delivered, but flagged as truncated. */
    public boolean truncated() {
        return "max_tokens".equals(stopReason);
    }

    @Override
    public String toString() {
        // Never the message: it holds user content.
        return "ResultLine[customId=" + customId + ", type=" + type + ", errorType=" + errorType + ", stopReason="
                + stopReason + ", messageBytes=" + (message == null ? 0 : message.length) + "]";
    }
}
