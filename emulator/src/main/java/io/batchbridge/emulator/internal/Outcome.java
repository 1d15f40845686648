package io.batchbridge.emulator.internal;

import java.util.Locale;

/** The four result types of a batch request. */
public enum Outcome {
    SUCCEEDED,
    ERRORED,
    CANCELED,
    EXPIRED;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }
}
