package dev.chat.client.tls;

import dev.chat.client.net.ServerAddress;
import dev.chat.protocol.CertificateFingerprint;
import java.io.IOException;
import java.net.Socket;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.util.Date;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Decides, during one TLS handshake, whether the server's certificate is the right one. In order:
 * <ol>
 * <li>{@code --insecure}: yes, whatever it is.</li>
 * <li>{@code --tls-fingerprint}: yes exactly when the certificate has that fingerprint (and is
 *     within its dates); nothing else is consulted.</li>
 * <li>The trust store (the system's, or {@code --tls-ca}): a certificate that chains to a
 *     trusted CA must also be within its dates and name the host connected to; one that chains
 *     but is expired or names another host is refused, not passed on to step 4. With
 *     {@code --tls-ca} a certificate that does not chain to it is refused too.</li>
 * <li>By fingerprint (self-signed, or a CA we do not know): the {@code known_servers} entry
 *     for this host:port must match; a different one is refused as changed. No entry: the
 *     fingerprint a LAN announcement carried, if any, must match; then it is accepted on first
 *     use and {@link #firstUse()} tells the caller to remember it once the handshake completes.</li>
 * </ol>
 * Refusals are {@link Refusal}s, with a message for the user. One instance per handshake.
 */
final class ServerTrust extends X509ExtendedTrustManager {

    /** How the certificate was trusted. */
    enum Basis {
        INSECURE("not checked: --insecure"),
        PINNED("matches --tls-fingerprint"),
        TRUST_STORE("signed by a trusted CA, name checked"),
        KNOWN("matches known_servers"),
        FIRST_USE("first use: not verified before");

        final String text;

        Basis(String text) {
            this.text = text;
        }
    }

    /** Why a certificate was refused. */
    enum Reason { CHANGED, PIN_MISMATCH, ANNOUNCED_MISMATCH, EXPIRED, WRONG_NAME, NOT_FROM_CA }

    /** A refused certificate; the handshake fails with it as the cause. */
    static final class Refusal extends CertificateException {
        final Reason reason;

        Refusal(Reason reason, String message) {
            super(message);
            this.reason = reason;
        }
    }

    private final TlsClientSettings settings;
    private final X509ExtendedTrustManager pkix;
    private final KnownServers known;
    private final ServerAddress address;
    private volatile Basis basis;
    private volatile String fingerprint;

    ServerTrust(TlsClientSettings settings, X509ExtendedTrustManager pkix, KnownServers known, ServerAddress address) {
        this.settings = settings;
        this.pkix = pkix;
        this.known = known;
        this.address = address;
    }

    /** How the certificate of the completed handshake was trusted. */
    Basis basis() {
        return basis;
    }

    /** Fingerprint of the server's certificate (after the handshake). */
    String fingerprint() {
        return fingerprint;
    }

    /** Whether the certificate was accepted on first use and should be remembered. */
    boolean firstUse() {
        return basis == Basis.FIRST_USE;
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        decide(chain, authType, () -> pkix.checkServerTrusted(chain, authType, socket));
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        decide(chain, authType, () -> pkix.checkServerTrusted(chain, authType, engine));
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        throw new CertificateException("the server's name is needed to check its certificate");
    }

    private interface Check {
        void run() throws CertificateException;
    }

    private void decide(X509Certificate[] chain, String authType, Check withName) throws CertificateException {
        if (chain == null || chain.length == 0) {
            throw new CertificateException("the server sent no certificate");
        }
        X509Certificate leaf = chain[0];
        String fp = fingerprintOf(leaf);
        fingerprint = fp;
        String server = KnownServers.key(address);
        if (settings.insecure()) {
            basis = Basis.INSECURE;
            return;
        }
        if (settings.pinned() != null) {
            if (!settings.pinned().equals(fp)) {
                throw new Refusal(Reason.PIN_MISMATCH, "the certificate of " + server + " is " + fp
                        + ", not the one given with --tls-fingerprint (" + settings.pinned() + "); refusing to connect. "
                        + "Check the fingerprint with the server's operator (the server prints it at start and on "
                        + "/health)");
            }
            checkDates(leaf, server);
            basis = Basis.PINNED;
            return;
        }
        try {
            withName.run();
            basis = Basis.TRUST_STORE;
            return;
        } catch (CertificateException byCa) {
            if (isExpiry(byCa)) {
                throw expired(leaf, server);
            }
            if (chainsToTrustedCa(chain, authType)) {
                throw new Refusal(Reason.WRONG_NAME, "the certificate of " + server + " is signed by a trusted CA "
                        + "but is not for '" + address.host() + "' (" + firstLine(byCa.getMessage()) + "); refusing to "
                        + "connect. Connect by a name the certificate lists, or ask the operator for a certificate "
                        + "naming this one");
            }
            if (settings.caFile() != null) {
                throw new Refusal(Reason.NOT_FROM_CA, "the certificate of " + server + " (" + fp + ") is not signed "
                        + "by a CA in " + settings.caFile() + " (--tls-ca); refusing to connect");
            }
            // not signed by a CA we trust: self-signed or private; judged by its fingerprint
        }
        KnownServers.Entry entry;
        try {
            entry = known.lookup(address);
        } catch (IOException e) {
            throw new CertificateException("cannot read " + known.file() + ": " + e.getMessage(), e);
        }
        if (entry != null) {
            if (!entry.fingerprint().equals(fp)) {
                throw new Refusal(Reason.CHANGED, "the certificate of " + server + " has CHANGED since you first "
                        + "connected: it was " + entry.fingerprint() + " (" + known.file() + " line " + entry.line()
                        + "), now it is " + fp + ". Someone may be intercepting this connection, or the server got a "
                        + "new certificate (its data directory was reset, or its operator replaced it). Refusing to "
                        + "connect. If the operator confirms the new fingerprint, delete line " + entry.line() + " of "
                        + known.file() + " and connect again, or pass --tls-fingerprint " + fp);
            }
            checkDates(leaf, server);
            basis = Basis.KNOWN;
            return;
        }
        String announced = settings.announced().get(address);
        if (announced != null && !announced.equals(fp)) {
            throw new Refusal(Reason.ANNOUNCED_MISMATCH, "the certificate of " + server + " is " + fp + " but the "
                    + "server's LAN announcement said " + announced + "; someone may be intercepting this connection. "
                    + "Refusing to connect");
        }
        checkDates(leaf, server);
        basis = Basis.FIRST_USE;
    }

    private boolean chainsToTrustedCa(X509Certificate[] chain, String authType) {
        try {
            pkix.checkServerTrusted(chain, authType);
            return true;
        } catch (CertificateException e) {
            return false;
        }
    }

    private static void checkDates(X509Certificate leaf, String server) throws Refusal {
        try {
            leaf.checkValidity(new Date());
        } catch (CertificateExpiredException | CertificateNotYetValidException e) {
            throw expired(leaf, server);
        }
    }

    private static Refusal expired(X509Certificate leaf, String server) {
        Date now = new Date();
        String when = now.before(leaf.getNotBefore())
                ? "is not valid before " + leaf.getNotBefore().toInstant() + " (check this machine's clock)"
                : "expired on " + leaf.getNotAfter().toInstant();
        return new Refusal(Reason.EXPIRED, "the certificate of " + server + " " + when + "; refusing to connect. "
                + "The server's operator must renew it");
    }

    static boolean isExpiry(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof CertificateExpiredException || t instanceof CertificateNotYetValidException) {
                return true;
            }
            if (t instanceof CertPathValidatorException v
                    && (v.getReason() == CertPathValidatorException.BasicReason.EXPIRED
                    || v.getReason() == CertPathValidatorException.BasicReason.NOT_YET_VALID)) {
                return true;
            }
        }
        return false;
    }

    static String fingerprintOf(X509Certificate cert) throws CertificateException {
        try {
            return CertificateFingerprint.of(cert.getEncoded());
        } catch (CertificateEncodingException e) {
            throw new CertificateException("the server's certificate cannot be encoded", e);
        }
    }

    private static String firstLine(String s) {
        String m = String.valueOf(s);
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        throw new CertificateException("a client does not check client certificates");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        throw new CertificateException("a client does not check client certificates");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        throw new CertificateException("a client does not check client certificates");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[0];
    }
}
