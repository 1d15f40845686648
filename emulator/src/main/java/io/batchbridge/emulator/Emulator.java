package io.batchbridge.emulator;

import com.sun.net.httpserver.HttpServer;
import io.batchbridge.common.lifecycle.Threads;
import io.batchbridge.common.model.ModelCatalogue;
import io.batchbridge.emulator.internal.BatchStore;
import io.batchbridge.emulator.internal.EmulatorSettings;
import io.batchbridge.emulator.internal.FaultSpec;
import io.batchbridge.emulator.internal.FaultTable;
import io.batchbridge.emulator.internal.HttpFront;
import io.batchbridge.emulator.internal.OutputProfile;
import io.batchbridge.emulator.internal.SimClock;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A local Message Batches API: the endpoints, shapes, validation messages and lifecycle of the real one, with
 * simulated processing time, deterministic generated outputs and fault injection. Embedded use:
 *
 * <pre>{@code
 * try (Emulator emu = Emulator.builder().timeScale(3600).build().start()) {
 *     client.baseUrl(emu.baseUrl());
 * }
 * }</pre>
 *
 * <p>Standalone: {@link EmulatorMain}. Directives, faults and differences from the real API are described in
 * {@code docs/emulator.md}.
 */
public final class Emulator implements AutoCloseable {
    /** {@code retry-after} on polls of an unfinished batch unless configured otherwise. */
    public static final Duration DEFAULT_POLL_RETRY_AFTER = Duration.ofSeconds(10);
    /**
     * Probability that a request hits a cache prefix written by a request of the same batch processed before or
     * alongside it: 0.3, the low end of the documented "30 % to 98 %" for batches, so what is measured on the
     * emulator does not overstate what caching saves.
     */
    public static final double DEFAULT_CACHE_HIT_RATE = 0.3;

    private final EmulatorSettings settings;
    private final SimClock clock;
    private final FaultTable faultTable;
    private final Faults faults;
    private final HttpFront front;
    private HttpServer server;
    private ExecutorService executor;
    private boolean closed;

    private Emulator(EmulatorSettings settings, String faultSpec) {
        this.settings = settings;
        this.clock = new SimClock(settings.clock(), settings.timeScale());
        this.faultTable = new FaultTable(settings.seed());
        FaultSpec.apply(faultSpec, faultTable);
        this.faults = new Faults(faultTable);
        this.front = new HttpFront(settings, clock, new BatchStore(), faultTable);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Binds and starts serving; calling it again does nothing. Returns this emulator. */
    public synchronized Emulator start() {
        if (closed) {
            throw new IllegalStateException("the emulator was closed");
        }
        if (server != null) {
            return this;
        }
        try {
            HttpServer s = HttpServer.create(new InetSocketAddress(settings.host(), settings.port()), 1024);
            executor = Executors.newCachedThreadPool(Threads.numbered("emulator-http"));
            s.setExecutor(executor);
            s.createContext("/", front);
            s.start();
            server = s;
            front.fallbackHost(hostForUrl() + ":" + port());
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot bind the emulator to " + settings.host() + ":" + settings.port(), e);
        }
    }

    /** {@code http://host:port}, without a trailing slash. */
    public String baseUrl() {
        return "http://" + hostForUrl() + ":" + port();
    }

    private String hostForUrl() {
        String h = settings.host();
        return h.contains(":") ? "[" + h + "]" : h;
    }

    /** The bound port. */
    public synchronized int port() {
        if (server == null) {
            throw new IllegalStateException("the emulator is not started");
        }
        return server.getAddress().getPort();
    }

    /** Fault injection, changeable while running. */
    public Faults faults() {
        return faults;
    }

    /** The current simulated instant. */
    public Instant simulatedNow() {
        return clock.now();
    }

    /** Moves simulated time forward (e.g. past {@code expires_at} or the 29-day archive horizon). */
    public void advance(Duration d) {
        clock.advance(d);
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (server != null) {
            server.stop(0);
            executor.shutdownNow();
            server = null;
        }
    }

    /** Configuration; every setting has a sensible default. */
    public static final class Builder {
        private String host = "127.0.0.1";
        private int port;
        private double timeScale = 1.0;
        private ModelCatalogue catalogue;
        private long seed = 42;
        private boolean progressiveCounts = true;
        private Clock clock = Clock.systemUTC();
        private String apiKey;
        private String faultSpec;
        private double errorRate;
        private double expireRate;
        private int minOutputTokens = OutputProfile.DEFAULT.minOutputTokens();
        private int maxOutputTokens = OutputProfile.DEFAULT.maxOutputTokens();
        private double tokensPerSecond = OutputProfile.DEFAULT.tokensPerSecond();
        private double maxQueueSeconds = OutputProfile.DEFAULT.maxQueueSeconds();
        private Duration cancelDelay = Duration.ofSeconds(10);
        private Duration pollRetryAfter = DEFAULT_POLL_RETRY_AFTER;
        private double cacheHitRate = DEFAULT_CACHE_HIT_RATE;

        private Builder() {}

        /** Address to bind; default {@code 127.0.0.1}. */
        public Builder host(String host) {
            this.host = Objects.requireNonNull(host, "host");
            return this;
        }

        /** Port to bind; 0 (default) picks a free port. */
        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port must be between 0 and 65535 but was " + port);
            }
            this.port = port;
            return this;
        }

        /** Simulated seconds per real second; default 1.0; 3600 makes a simulated hour pass in a second. */
        public Builder timeScale(double scale) {
            if (!(scale > 0) || Double.isInfinite(scale)) {
                throw new IllegalArgumentException("timeScale must be a positive number but was " + scale);
            }
            this.timeScale = scale;
            return this;
        }

        /** Models, caps and betas; default {@link ModelCatalogue#defaults()}. */
        public Builder catalogue(ModelCatalogue c) {
            this.catalogue = Objects.requireNonNull(c, "catalogue");
            return this;
        }

        /** Seed of batch ids, outcomes and output lengths; default 42. */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /** Whether request counters move during processing (default true) or only at the end. */
        public Builder progressiveCounts(boolean b) {
            this.progressiveCounts = b;
            return this;
        }

        /** The real clock simulated time is derived from; default the system UTC clock. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** If set, only this key is valid; default any non-empty key. */
        public Builder apiKey(String key) {
            this.apiKey = key;
            return this;
        }

        /** Initial faults, in the spec format of {@code --faults} and the admin endpoint. */
        public Builder faults(String spec) {
            FaultSpec.apply(spec, new FaultTable(0));
            this.faultSpec = spec;
            return this;
        }

        /** Fraction of requests without a directive that end {@code errored} (overloaded / api error); default 0. */
        public Builder errorRate(double rate) {
            this.errorRate = rate;
            return this;
        }

        /** Fraction of requests without a directive that never finish and end {@code expired}; default 0. */
        public Builder expireRate(double rate) {
            this.expireRate = rate;
            return this;
        }

        /** Output length range of requests without a directive (clamped to {@code max_tokens}); default 20–600. */
        public Builder outputTokens(int min, int max) {
            this.minOutputTokens = min;
            this.maxOutputTokens = max;
            return this;
        }

        /** Simulated generation speed; default 80 tokens/s (300,000 tokens take about an hour). */
        public Builder tokensPerSecond(double tps) {
            this.tokensPerSecond = tps;
            return this;
        }

        /** Each request starts after a deterministic queue wait of up to this long (simulated); default 10 s. */
        public Builder maxQueueTime(Duration d) {
            this.maxQueueSeconds = d.toMillis() / 1000.0;
            return this;
        }

        /** Simulated time from a cancel to {@code ended}; default 10 s. */
        public Builder cancelDelay(Duration d) {
            if (d.isNegative()) {
                throw new IllegalArgumentException("cancelDelay must not be negative but was " + d);
            }
            this.cancelDelay = d;
            return this;
        }

        /**
         * {@code retry-after} (whole seconds, at least 1) sent when retrieving an unfinished batch; default 10 s,
         * as the contract's captures show on every poll; {@link Duration#ZERO} or null sends none.
         */
        public Builder pollRetryAfter(Duration d) {
            if (d != null && d.isNegative()) {
                throw new IllegalArgumentException("pollRetryAfter must not be negative but was " + d);
            }
            this.pollRetryAfter = d == null || d.isZero() ? null : d;
            return this;
        }

        /**
         * Probability (0–1) that a request hits a prompt-cache prefix that a request of the same batch, started
         * before it, writes; default {@value #DEFAULT_CACHE_HIT_RATE}. Prefixes written by earlier batches are read
         * whenever they are live. Draws are deterministic under the seed. See {@code docs/emulator.md}.
         */
        public Builder cacheHitRate(double rate) {
            if (!(rate >= 0 && rate <= 1)) {
                throw new IllegalArgumentException("cacheHitRate must be between 0 and 1 but was " + rate);
            }
            this.cacheHitRate = rate;
            return this;
        }

        public Emulator build() {
            OutputProfile profile = new OutputProfile(
                    errorRate, expireRate, minOutputTokens, maxOutputTokens, tokensPerSecond, maxQueueSeconds);
            ModelCatalogue c = catalogue != null ? catalogue : ModelCatalogue.defaults();
            return new Emulator(
                    new EmulatorSettings(
                            host,
                            port,
                            timeScale,
                            c,
                            seed,
                            progressiveCounts,
                            clock,
                            apiKey,
                            profile,
                            cancelDelay,
                            pollRetryAfter,
                            cacheHitRate),
                    faultSpec);
        }
    }
}
