package dev.chat.server.tls;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.ServerSSLOptions;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node's TLS: one certificate for all of its TLS listeners (framed TLS, HTTPS, IRC over TLS),
 * the options that put it on a Vert.x listener, and its replacement when the PEM files change.
 *
 * <p>Use, at start (the load is blocking: a worker thread or {@code main}):
 * <pre>{@code
 * ServerTls tls = ServerTls.load(settings, true);           // PEM files, or the self-signed one
 * HandshakeFailures failures = tls.handshakeFailures("tls");
 * NetServer s = vertx.createNetServer(tls.applyTo(new NetServerOptions().setPort(p), failures));
 * s.exceptionHandler(failures);                            // before listen
 * tls.onReload(s::updateSSLOptions);                       // new connections get the new certificate
 * tls.watch(vertx);                                        // polls --tls-cert/--tls-key; tls.close() stops it
 * tls.fingerprint();                                       // READY, /health, welcome, announcements
 * }</pre>
 * The same for an {@code HttpServer} ({@code HttpServerOptions} is a {@code NetServerOptions}).
 * Thread-safe: the current material is a volatile reference.
 */
public final class ServerTls {
    private static final Logger LOG = LoggerFactory.getLogger(ServerTls.class);

    private final TlsSettings settings;
    private final TlsEngine engine;
    private final List<Function<ServerSSLOptions, Future<Boolean>>> reloadTargets = new CopyOnWriteArrayList<>();
    private final List<HandshakeFailures> failureLogs = new CopyOnWriteArrayList<>();
    private volatile CertificateMaterial material;
    private CertificateWatcher watcher;

    private ServerTls(TlsSettings settings, TlsEngine engine, CertificateMaterial material) {
        this.settings = settings;
        this.engine = engine;
        this.material = material;
    }

    /**
     * Loads the certificate ({@code --tls-cert}/{@code --tls-key}, or the self-signed one in
     * the data directory, made at first start) and picks the engine. Logs one line with the
     * engine, where the certificate came from, its fingerprint and expiry. Blocking.
     *
     * @param preferOpenSsl false forces the JDK's engine
     * @throws CertificateException when the files cannot be used (the message names the file and the problem)
     */
    public static ServerTls load(TlsSettings settings, boolean preferOpenSsl) throws CertificateException {
        CertificateMaterial m = settings.fromFiles()
                ? PemFiles.load(settings.certFile(), settings.keyFile())
                : SelfSignedCertificate.loadOrCreate(settings.dataDir(), settings.names());
        ServerTls tls = new ServerTls(settings, TlsEngine.choose(preferOpenSsl), m);
        LOG.info("TLS: engine {}; certificate {} ({}), valid until {}", tls.engine.description(), m.fingerprint(),
                m.source(), m.notAfter());
        warnIfExpiringSoon(m);
        return tls;
    }

    /** The certificate in use now. */
    public CertificateMaterial material() {
        return material;
    }

    /** {@code SHA256:...} of the certificate in use now: for READY, {@code /health}, {@code welcome}, announcements. */
    public String fingerprint() {
        return material.fingerprint();
    }

    /** The TLS engine in use. */
    public TlsEngine engine() {
        return engine;
    }

    /** The settings this was loaded with. */
    public TlsSettings settings() {
        return settings;
    }

    /**
     * Makes {@code options} a TLS listener with the current certificate: TLS 1.2/1.3 with the
     * {@link TlsPolicy} cipher suites, the engine behind a {@link FirstBytesGuard} (a client
     * that speaks plaintext or garbage is answered, reported to {@code failures} and closed),
     * and the handshake timeout (a client that stalls mid-handshake is cut off after it). Works
     * for {@code NetServerOptions} and {@code HttpServerOptions}.
     *
     * @param failures this listener's {@link #handshakeFailures}; set it as its {@code exceptionHandler} too
     */
    public <T extends NetServerOptions> T applyTo(T options, HandshakeFailures failures) {
        options.setSsl(true);
        options.setKeyCertOptions(material.keyCertOptions());
        options.setSslEngineOptions(new FirstBytesGuard(engine.options().copy(), failures));
        options.setEnabledSecureTransportProtocols(new HashSet<>(TlsPolicy.PROTOCOLS));
        options.getEnabledCipherSuites().clear();
        TlsPolicy.CIPHER_SUITES.forEach(options::addEnabledCipherSuite);
        options.setSslHandshakeTimeout(settings.handshakeTimeout().toMillis());
        options.setSslHandshakeTimeoutUnit(TimeUnit.MILLISECONDS);
        return options;
    }

    /** The same TLS settings as {@link #applyTo}, as {@code updateSSLOptions} takes them. */
    public ServerSSLOptions sslOptions() {
        ServerSSLOptions o = new ServerSSLOptions()
                .setKeyCertOptions(material.keyCertOptions())
                .setEnabledSecureTransportProtocols(new HashSet<>(TlsPolicy.PROTOCOLS))
                .setSslHandshakeTimeout(settings.handshakeTimeout().toMillis())
                .setSslHandshakeTimeoutUnit(TimeUnit.MILLISECONDS);
        TlsPolicy.CIPHER_SUITES.forEach(o::addEnabledCipherSuite);
        return o;
    }

    /**
     * A new exception handler for one listener that logs and counts failed handshakes
     * ({@link HandshakeFailures}); set it before {@code listen}.
     *
     * @param listener the listener's name in log lines: {@code tls}, {@code https}, {@code irc-tls}
     */
    public HandshakeFailures handshakeFailures(String listener) {
        HandshakeFailures h = new HandshakeFailures(listener);
        failureLogs.add(h);
        return h;
    }

    /** Failed handshakes of {@code kind} on every listener, since start (for {@code /metrics}). */
    public long failedHandshakes(HandshakeFailures.Kind kind) {
        return failureLogs.stream().mapToLong(h -> h.count(kind)).sum();
    }

    /**
     * Registers a listener to receive the new certificate on reload, typically
     * {@code netServer::updateSSLOptions} or {@code httpServer::updateSSLOptions}. Connections
     * already open keep their session; new ones get the new certificate.
     */
    public void onReload(Function<ServerSSLOptions, Future<Boolean>> target) {
        reloadTargets.add(Objects.requireNonNull(target));
    }

    /**
     * Starts checking {@code --tls-cert}/{@code --tls-key} for changes every
     * {@link TlsSettings#reloadInterval()}; does nothing for the self-signed certificate or a
     * zero interval. Returns the watcher (null when not watching); it stops when {@code vertx} closes.
     */
    public synchronized CertificateWatcher watch(Vertx vertx) {
        if (!settings.fromFiles() || settings.reloadInterval().isZero() || watcher != null) {
            return watcher;
        }
        watcher = new CertificateWatcher(vertx, settings.certFile(), settings.keyFile(), settings.reloadInterval(),
                this::replace);
        watcher.start();
        return watcher;
    }

    /** Stops watching the PEM files (call it from the owner's {@code stop()}, before Vert.x closes). */
    public synchronized void close() {
        if (watcher != null) {
            watcher.stop();
        }
    }

    /**
     * Puts {@code next} in use: every registered listener gets it; completes when all have it.
     * Called by the watcher; callable directly (a {@code SIGHUP} handler, a test).
     */
    public Future<Void> replace(CertificateMaterial next) {
        CertificateMaterial old = material;
        material = next;
        ServerSSLOptions options = sslOptions();
        List<Future<Boolean>> updates = reloadTargets.stream().map(t -> t.apply(options)).toList();
        return Future.all(updates).<Void>mapEmpty()
                .onSuccess(v -> {
                    LOG.info("TLS: new certificate {} from {} in use on {} listener(s), valid until {} (was {})",
                            next.fingerprint(), next.source(), updates.size(), next.notAfter(), old.fingerprint());
                    warnIfExpiringSoon(next);
                })
                .onFailure(e -> LOG.warn("TLS: the new certificate {} could not be put on every listener: {}",
                        next.fingerprint(), e.getMessage()));
    }

    private static void warnIfExpiringSoon(CertificateMaterial m) {
        Duration left = Duration.between(Instant.now(), m.notAfter());
        if (left.compareTo(Duration.ofDays(14)) < 0) {
            LOG.warn("TLS: the certificate {} expires in {} days ({}): renew it; clients refuse an expired one",
                    m.fingerprint(), left.toDays(), m.notAfter());
        }
    }
}
