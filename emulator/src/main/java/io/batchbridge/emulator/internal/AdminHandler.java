package io.batchbridge.emulator.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * {@code /_emulator/...}: change faults and simulated time while running. No authentication, no faults.
 * <ul>
 *   <li>{@code GET /_emulator/health}
 *   <li>{@code GET /_emulator/faults} — current spec and injected count
 *   <li>{@code POST /_emulator/faults} — body is a spec; replaces the configuration ({@code ?mode=add} adds)
 *   <li>{@code DELETE /_emulator/faults} — clears all faults
 *   <li>{@code GET /_emulator/clock}; {@code POST /_emulator/clock/advance?seconds=N}
 * </ul>
 */
final class AdminHandler {
    static final String PREFIX = "/_emulator";
    private final FaultTable faults;
    private final SimClock clock;

    AdminHandler(FaultTable faults, SimClock clock) {
        this.faults = faults;
        this.clock = clock;
    }

    void handle(Call c, String path) throws IOException {
        String method = c.exchange().getRequestMethod();
        String sub = path.substring(PREFIX.length());
        switch (method + " " + sub) {
            case "GET /health" ->
                c.sendJson(200, JsonOut.render(g -> {
                    g.writeStartObject();
                    g.writeStringField("status", "ok");
                    g.writeEndObject();
                }));
            case "GET /faults" -> sendFaults(c);
            case "POST /faults", "PUT /faults" -> {
                String spec = body(c);
                try {
                    if (!"add".equals(c.query("mode"))) {
                        FaultTable probe = new FaultTable(0);
                        FaultSpec.apply(spec, probe);
                        faults.clear();
                    }
                    FaultSpec.apply(spec, faults);
                } catch (IllegalArgumentException e) {
                    throw ApiError.invalid(e.getMessage());
                }
                sendFaults(c);
            }
            case "DELETE /faults" -> {
                faults.clear();
                sendFaults(c);
            }
            case "GET /clock" -> sendClock(c);
            case "POST /clock/advance" -> {
                clock.advance(seconds(c.query("seconds")));
                sendClock(c);
            }
            default -> throw ApiError.notFound("Not Found");
        }
    }

    private static Duration seconds(String raw) {
        try {
            double s = Double.parseDouble(raw == null ? "" : raw);
            if (s < 0) {
                throw ApiError.invalid("seconds must not be negative");
            }
            return Duration.ofNanos((long) (s * 1e9));
        } catch (NumberFormatException e) {
            throw ApiError.invalid("seconds must be a number");
        }
    }

    private void sendFaults(Call c) throws IOException {
        c.sendJson(200, JsonOut.render(g -> {
            g.writeStartObject();
            g.writeStringField("spec", faults.describe());
            g.writeNumberField("injected", faults.injectedCount());
            g.writeEndObject();
        }));
    }

    private void sendClock(Call c) throws IOException {
        c.sendJson(200, JsonOut.render(g -> {
            g.writeStartObject();
            g.writeStringField("now", Timestamps.format(clock.now()));
            g.writeNumberField("time_scale", clock.scale());
            g.writeEndObject();
        }));
    }

    private static String body(Call c) throws IOException {
        try (InputStream in = c.exchange().getRequestBody()) {
            byte[] bytes = in.readNBytes(64 * 1024);
            return new String(bytes, StandardCharsets.UTF_8).trim();
        }
    }
}
