package io.batchbridge.emulator.internal;

import java.io.IOException;

/** Thrown to make the HTTP server cut the connection (an injected drop). */
public final class Dropped extends IOException {
    private static final long serialVersionUID = 1L;

    public Dropped() {
        super("connection dropped by fault injection", null);
    }
}
