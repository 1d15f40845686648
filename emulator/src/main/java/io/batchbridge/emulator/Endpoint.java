package io.batchbridge.emulator;

/** The API operations a fault can be aimed at; {@link #ANY} matches every one of them. */
public enum Endpoint {
    CREATE,
    RETRIEVE,
    LIST,
    CANCEL,
    DELETE,
    RESULTS,
    /** {@code POST /v1/messages/count_tokens}. */
    COUNT_TOKENS,
    ANY;

    /** The name used in fault specs ({@code create}, {@code results}, {@code any}, …). */
    public String specName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
