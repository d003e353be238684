package dev.chat.client.tls;

import dev.chat.client.net.ServerAddress;
import dev.chat.client.net.SocketLayer;
import dev.chat.client.net.UntrustedServerException;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.Collection;
import java.util.function.Consumer;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * {@code --tls}: puts TLS 1.3 (or 1.2) over a connected socket and decides whether to trust
 * the server ({@link ServerTrust}), with the JDK's own TLS. After a handshake that trusted a
 * certificate on first use it appends it to {@code known_servers} and says so; with
 * {@code --trace} it says which version, cipher and certificate each connection got.
 * One per client; {@link #wrap} runs on the thread that connects.
 */
public final class TlsConnector implements SocketLayer {
    private static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

    private final TlsClientSettings settings;
    private final KnownServers known;
    private final X509ExtendedTrustManager pkix;
    private final Consumer<String> notices;

    /**
     * @param notices where to say what a user should know (first use, {@code --trace} details)
     * @throws IOException when {@code --tls-ca} cannot be read
     */
    public TlsConnector(TlsClientSettings settings, Consumer<String> notices) throws IOException {
        this.settings = settings;
        this.known = new KnownServers(settings.knownServers());
        this.pkix = trustManager(settings);
        this.notices = notices;
    }

    @Override
    public Socket wrap(Socket connected, ServerAddress address, Duration timeout) throws IOException {
        ServerTrust trust = new ServerTrust(settings, pkix, known, address);
        SSLSocket s;
        try {
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, new TrustManager[] {trust}, null);
            s = (SSLSocket) ctx.getSocketFactory().createSocket(connected, address.host(), address.port(), true);
        } catch (GeneralSecurityException e) {
            connected.close();
            throw new IOException("TLS is not available: " + e.getMessage(), e);
        }
        try {
            SSLParameters p = s.getSSLParameters();
            p.setProtocols(PROTOCOLS);
            p.setEndpointIdentificationAlgorithm("HTTPS"); // host name checked on the trust-store path
            s.setSSLParameters(p);
            int before = connected.getSoTimeout();
            s.setSoTimeout((int) Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toMillis())));
            s.startHandshake();
            s.setSoTimeout(before);
        } catch (IOException e) {
            s.close();
            throw translate(e, address, timeout);
        }
        String server = KnownServers.key(address);
        if (trust.firstUse()) {
            try {
                KnownServers.Entry e = known.remember(address, trust.fingerprint());
                notices.accept("first TLS connection to " + server + ": its certificate " + trust.fingerprint()
                        + " is now trusted for it (" + known.file() + " line " + e.line() + "); compare it with the "
                        + "fingerprint the server printed at start or shows on /health");
            } catch (IOException e) {
                // like ssh when known_hosts cannot be written: say so, and go on with this connection
                notices.accept("first TLS connection to " + server + ": its certificate " + trust.fingerprint()
                        + " is trusted for this run only: " + known.file() + " cannot be written (" + e
                        + "); set XDG_CONFIG_HOME or --known-servers to a writable place to remember it");
            }
        }
        if (settings.trace()) {
            notices.accept("TLS: " + s.getSession().getProtocol() + " " + s.getSession().getCipherSuite() + " with "
                    + server + ", certificate " + trust.fingerprint() + " (" + trust.basis().text + ")");
        }
        return s;
    }

    /** Turns a failed handshake into what the user needs to know. */
    private static IOException translate(IOException e, ServerAddress address, Duration timeout) {
        String server = KnownServers.key(address);
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ServerTrust.Refusal r) {
                return new UntrustedServerException(r.getMessage());
            }
        }
        if (e instanceof SocketTimeoutException) {
            return new IOException("no TLS handshake with " + server + " within " + timeout.toMillis() + " ms "
                    + "(is it a TLS port?)", e);
        }
        String m = String.valueOf(e.getMessage());
        if (e instanceof SSLException && (m.contains("Unsupported or unrecognized SSL message")
                || m.contains("plaintext connection"))) {
            return new IOException(server + " does not speak TLS (a plaintext port? the TLS port is "
                    + TlsClientSettings.DEFAULT_TLS_PORT + " unless the server was told otherwise)", e);
        }
        if (m.contains("Remote host terminated the handshake") || e instanceof java.io.EOFException) {
            return new IOException(server + " closed the connection during the TLS handshake (a plaintext port, "
                    + "or a server that refuses our TLS versions)", e);
        }
        return new IOException("TLS handshake with " + server + " failed: " + m, e);
    }

    // The system's trust store (the JDK's cacerts, or javax.net.ssl.trustStore), or --tls-ca's CAs.
    private static X509ExtendedTrustManager trustManager(TlsClientSettings settings) throws IOException {
        try {
            KeyStore store = null;
            if (settings.caFile() != null) {
                store = KeyStore.getInstance(KeyStore.getDefaultType());
                store.load(null, null);
                Collection<? extends Certificate> cas;
                try (InputStream in = Files.newInputStream(settings.caFile())) {
                    cas = CertificateFactory.getInstance("X.509").generateCertificates(in);
                } catch (NoSuchFileException e) {
                    throw new IOException("--tls-ca: " + settings.caFile() + " does not exist");
                }
                if (cas.isEmpty()) {
                    throw new IOException("--tls-ca: " + settings.caFile() + " holds no PEM certificate");
                }
                int i = 0;
                for (Certificate c : cas) {
                    store.setCertificateEntry("ca-" + i++, c);
                }
            }
            TrustManagerFactory f = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            f.init(store);
            for (TrustManager tm : f.getTrustManagers()) {
                if (tm instanceof X509ExtendedTrustManager x) {
                    return x;
                }
            }
            throw new IOException("the JDK has no X.509 trust manager");
        } catch (GeneralSecurityException e) {
            throw new IOException((settings.caFile() != null ? "--tls-ca: " + settings.caFile() + ": " : "trust store: ")
                    + e.getMessage(), e);
        }
    }
}
