package io.batchbridge.emulator.internal;

/** An error answer: HTTP status, {@code error.type} and {@code error.message}. */
public final class ApiError extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int status;
    private final String type;

    public ApiError(int status, String type, String message) {
        super(message, null, false, false);
        this.status = status;
        this.type = type;
    }

    public static ApiError invalid(String message) {
        return new ApiError(400, "invalid_request_error", message);
    }

    public static ApiError notFound(String message) {
        return new ApiError(404, "not_found_error", message);
    }

    public int status() {
        return status;
    }

    public String type() {
        return type;
    }
}
