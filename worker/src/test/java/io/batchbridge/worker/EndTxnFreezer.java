package io.batchbridge.worker;

import io.batchbridge.kafka.embedded.ChildProcessKafka;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A plain TCP relay in front of a {@link ChildProcessKafka} that {@code SIGSTOP}s the broker JVM at one precise
 * moment: when the next {@code EndTxn} request of a chosen producer passes through, just before the relay hands
 * the request on; it {@code SIGCONT}s the broker a set time later. The frozen broker holds the request in its
 * socket buffer and serves it once it runs again, so the commit lands, late.
 *
 * <p>Why the relay: freezing the broker from a hook that runs before the producer's commit sequence would make
 * {@code sendOffsetsToTransaction} (which also blocks for {@code max.block.ms}) time out instead of
 * {@code commitTransaction}, and freezing it a fixed time later races with the commit. Only the moment the
 * {@code EndTxn} request is on the wire is the right one, and only something on the wire can see it. The relay
 * does not change, drop or delay a byte; every client, the broker's own inter-broker traffic included, reaches
 * the broker through it (the broker advertises the relay's address, see {@link #advertisedListeners()}).
 *
 * <p>Requests are framed by their 4-byte size; the request header starts with the API key (2 bytes), the API
 * version (2), the correlation id (4) and the client id (a 2-byte length, then UTF-8).
 */
final class EndTxnFreezer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EndTxnFreezer.class);
    private static final short END_TXN = 26;

    private final ServerSocket server;
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private final AtomicReference<Freeze> armed = new AtomicReference<>();
    private final CountDownLatch frozen = new CountDownLatch(1);
    private final CountDownLatch thawed = new CountDownLatch(1);
    private volatile int brokerPort;
    private volatile long frozenAt;
    private volatile long thawedAt;
    private volatile String frozenClient;
    private long stoppedPid = -1;
    private volatile boolean closed;

    private record Freeze(String clientIdPart, long pid, Duration length) {}

    EndTxnFreezer() throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    }

    /** The broker override that sends every client (and the broker itself) through this relay. */
    String advertisedListeners() {
        return "PLAINTEXT://127.0.0.1:" + server.getLocalPort();
    }

    /** The bootstrap address of the relay. */
    String bootstrapServers() {
        return "127.0.0.1:" + server.getLocalPort();
    }

    /** Starts relaying to {@code broker} (created, not necessarily started, with {@link #advertisedListeners()}). */
    void relayTo(ChildProcessKafka broker) {
        String servers = broker.bootstrapServers();
        brokerPort = Integer.parseInt(servers.substring(servers.lastIndexOf(':') + 1));
        daemon("endtxn-freezer-accept", this::acceptLoop).start();
    }

    /**
     * Freezes {@code broker} for {@code length} when the next {@code EndTxn} request of a client whose id contains
     * {@code clientIdPart} comes by. Once only: later calls are ignored.
     */
    void arm(ChildProcessKafka broker, String clientIdPart, Duration length) {
        if (frozen.getCount() > 0) {
            armed.compareAndSet(null, new Freeze(clientIdPart, broker.pid(), length));
        }
    }

    boolean awaitFrozen(Duration max) throws InterruptedException {
        return frozen.await(max.toMillis(), TimeUnit.MILLISECONDS);
    }

    boolean awaitThawed(Duration max) throws InterruptedException {
        return thawed.await(max.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** How long the broker was stopped (zero before it was thawed). */
    Duration frozenFor() {
        return thawed.getCount() > 0 ? Duration.ZERO : Duration.ofNanos(thawedAt - frozenAt);
    }

    /** The client id of the request that froze the broker, or null. */
    String frozenClient() {
        return frozenClient;
    }

    /** Lets the broker run again now, if it is stopped. */
    synchronized void thawNow() {
        if (stoppedPid > 0) {
            signal("CONT", stoppedPid);
            stoppedPid = -1;
            thawedAt = System.nanoTime();
            log.warn("broker thawed (SIGCONT) after {} ms", TimeUnit.NANOSECONDS.toMillis(thawedAt - frozenAt));
            thawed.countDown();
        }
    }

    private synchronized void freeze(Freeze f, String clientId) {
        signal("STOP", f.pid());
        stoppedPid = f.pid();
        frozenAt = System.nanoTime();
        frozenClient = clientId;
        log.warn("broker (pid {}) frozen (SIGSTOP) for {} on the EndTxn request of {}", f.pid(), f.length(), clientId);
        frozen.countDown();
        daemon("endtxn-freezer-thaw", () -> {
                    try {
                        Thread.sleep(f.length().toMillis());
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    thawNow();
                })
                .start();
    }

    private static void signal(String signal, long pid) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid))
                    .redirectErrorStream(true)
                    .start();
            String out = new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (kill.waitFor() != 0) {
                throw new IllegalStateException("kill -" + signal + " " + pid + " failed: " + out);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot run kill -" + signal, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted sending " + signal, e);
        }
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket client = server.accept();
                Socket broker = new Socket(InetAddress.getLoopbackAddress(), brokerPort);
                client.setTcpNoDelay(true);
                broker.setTcpNoDelay(true);
                sockets.add(client);
                sockets.add(broker);
                daemon("endtxn-freezer-requests", () -> requests(client, broker))
                        .start();
                daemon("endtxn-freezer-responses", () -> responses(broker, client))
                        .start();
            } catch (IOException e) {
                if (!closed) {
                    log.warn("relay accept failed: {}", e.toString());
                }
            }
        }
    }

    private void requests(Socket from, Socket to) {
        try {
            DataInputStream in = new DataInputStream(new BufferedInputStream(from.getInputStream(), 1 << 16));
            DataOutputStream out = new DataOutputStream(new BufferedOutputStream(to.getOutputStream(), 1 << 16));
            while (true) {
                int size = in.readInt();
                byte[] frame = new byte[size];
                in.readFully(frame);
                maybeFreeze(frame);
                out.writeInt(size);
                out.write(frame);
                out.flush();
            }
        } catch (IOException e) {
            // either side closed the connection
        } finally {
            close(from);
            close(to);
        }
    }

    private void responses(Socket from, Socket to) {
        try {
            from.getInputStream().transferTo(to.getOutputStream());
        } catch (IOException e) {
            // either side closed the connection
        } finally {
            close(from);
            close(to);
        }
    }

    private void maybeFreeze(byte[] frame) {
        Freeze f = armed.get();
        if (f == null || frame.length < 10 || (short) (((frame[0] & 0xff) << 8) | (frame[1] & 0xff)) != END_TXN) {
            return;
        }
        int length = (short) (((frame[8] & 0xff) << 8) | (frame[9] & 0xff));
        String clientId =
                length < 0 || 10 + length > frame.length ? "" : new String(frame, 10, length, StandardCharsets.UTF_8);
        if (clientId.contains(f.clientIdPart()) && armed.compareAndSet(f, null)) {
            freeze(f, clientId);
        }
    }

    private void close(Socket s) {
        sockets.remove(s);
        try {
            s.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    private static Thread daemon(String name, Runnable r) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    /** Thaws the broker if it is still stopped, and stops relaying. */
    @Override
    public void close() {
        closed = true;
        thawNow();
        try {
            server.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        sockets.forEach(this::close);
    }
}
