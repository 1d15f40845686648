package io.batchbridge.client;

import java.util.Objects;

/**
 * A credential that never prints itself: {@link #toString()} is {@code "***"}, so an account, a settings
 * record or an exception that holds one can be logged safely. Only {@link #reveal()} yields the value, and
 * the client calls it in exactly one place: when it sets the {@code x-api-key} header.
 */
public final class Secret {
    private final String value;

    private Secret(String value) {
        this.value = value;
    }

    /** Wraps a non-null, non-blank credential. */
    public static Secret of(String value) {
        Objects.requireNonNull(value, "secret value");
        if (value.isBlank()) {
            throw new IllegalArgumentException("a secret must not be blank");
        }
        return new Secret(value);
    }

    /** The credential itself. Never log the result. */
    public String reveal() {
        return value;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Secret s && s.value.equals(value);
    }

    @Override
    public int hashCode() {
        return value.hashCode();
    }

    @Override
    public String toString() {
        return "***";
    }
}
