package dev.chat.tools.impair;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * A running impairment relay: {@link UdpRelay} or {@link TcpProxy}, each on its own
 * {@link RelayLoop} thread. Bound and serving when {@link #start} returns.
 */
public abstract class Relay implements AutoCloseable {
    final ImpairConfig config;
    final RelayLoop loop;
    private final Consumer<String> out;
    private volatile ImpairReport finalReport;
    private volatile boolean stopped;

    Relay(ImpairConfig config, Consumer<String> out) throws IOException {
        this.config = config;
        this.out = out;
        this.loop = new RelayLoop("impair-" + config.transport().name().toLowerCase(java.util.Locale.ROOT),
                line -> out.accept("chat impair: " + line));
    }

    /** Binds {@code --listen} and starts relaying; report lines and errors go to {@code out}. */
    public static Relay start(ImpairConfig config, Consumer<String> out) throws IOException {
        Relay relay = config.udp() ? new UdpRelay(config, out) : new TcpProxy(config, out);
        relay.loop.start();
        if (!config.report().isZero()) {
            relay.loop.post(relay::scheduleReport);
        }
        return relay;
    }

    /** The bound {@code --listen} address (the real port when 0 was asked for). */
    public abstract InetSocketAddress localAddress();

    /** The line scripts wait for: {@code READY udp=127.0.0.1:40000}. */
    public String readyLine() {
        return "READY " + (config.udp() ? "udp=" : "tcp=") + ImpairConfig.hostPort(localAddress());
    }

    public ImpairConfig config() {
        return config;
    }

    /** A snapshot taken on the relay thread. */
    public CompletableFuture<ImpairReport> report() {
        if (stopped) {
            ImpairReport last = finalReport;
            return last != null ? CompletableFuture.completedFuture(last)
                    : CompletableFuture.failedFuture(new IllegalStateException("the relay has stopped"));
        }
        CompletableFuture<ImpairReport> f = new CompletableFuture<>();
        loop.post(() -> f.complete(snapshot()));
        return f;
    }

    /** Stops relaying (datagrams still queued are discarded) and returns what it did; idempotent. */
    public synchronized ImpairReport stop() {
        if (stopped) {
            return finalReport;
        }
        ImpairReport last;
        try {
            last = report().get(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            last = null;
        } catch (ExecutionException | TimeoutException e) {
            last = null;
        }
        try {
            loop.stop();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closeListener();
        finalReport = last;
        stopped = true;
        return last;
    }

    @Override
    public void close() {
        stop();
    }

    /** Tells the user about a problem, on stderr: one line. */
    void warn(String message) {
        out.accept("chat impair: " + message);
    }

    /** Takes the snapshot; relay thread only. */
    abstract ImpairReport snapshot();

    /** Closes the listening socket (the loop closes the others). */
    abstract void closeListener();

    private void scheduleReport() {
        long every = config.report().toNanos();
        loop.schedule(System.nanoTime() + every, () -> {
            out.accept(snapshot().line());
            scheduleReport();
        });
    }
}
